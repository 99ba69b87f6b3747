/**
 * Sidebar navigation definition — plain data, no JSX, safe to import from
 * server and client code alike. `icon` is a lucide-react component name; the
 * sidebar maps it to the actual icon.
 */

export type NavIconName =
  | 'LayoutDashboard'
  | 'Building'
  | 'Warehouse'
  | 'Library'
  | 'Search'
  | 'GitBranch'
  | 'GitMerge'
  | 'Users'
  | 'Bot'
  | 'ShieldCheck'
  | 'Inbox'
  | 'KeyRound'
  | 'ScrollText'
  | 'HeartPulse'
  | 'Settings'
  | 'Webhook'
  | 'Send';

export interface NavItem {
  href: string;
  label: string;
  icon: NavIconName;
  /** Only shown to root (platform) administrators. */
  rootOnly?: boolean;
  /** Only shown to Root and TenantAdmins (the page answers everyone else "not allowed"). */
  adminOnly?: boolean;
  /** Shown to admins and to whoever may create catalogs in the tenant (they pick a warehouse). */
  warehouseReaders?: boolean;
}

/** Who is looking: the sidebar shows only what that person can use. */
export type NavAudience = {
  root: boolean;
  admin: boolean;
  warehouses: boolean;
  /** Stewards: requests waiting in their queue (shown beside Access requests). */
  pendingRequests?: number;
};

export interface NavSection {
  id: string;
  /** null → rendered without a heading. */
  title: string | null;
  items: NavItem[];
}

export const NAV_SECTIONS: readonly NavSection[] = [
  {
    id: 'overview',
    title: null,
    items: [{ href: '/', label: 'Overview', icon: 'LayoutDashboard' }],
  },
  {
    id: 'catalog',
    title: 'Catalog',
    items: [
      { href: '/tenants', label: 'Tenants', icon: 'Building', rootOnly: true },
      { href: '/warehouses', label: 'Warehouses', icon: 'Warehouse', warehouseReaders: true },
      { href: '/catalogs', label: 'Catalogs', icon: 'Library' },
      { href: '/search', label: 'Search', icon: 'Search' },
    ],
  },
  {
    id: 'versioning',
    title: 'Versioning',
    items: [
      { href: '/branches', label: 'Branches', icon: 'GitBranch' },
      { href: '/merges', label: 'Merges', icon: 'GitMerge' },
    ],
  },
  {
    id: 'governance',
    title: 'Governance',
    items: [
      { href: '/users', label: 'Users', icon: 'Users', adminOnly: true },
      { href: '/service-users', label: 'Service users', icon: 'Bot', adminOnly: true },
      { href: '/roles', label: 'Roles', icon: 'ShieldCheck', adminOnly: true },
      { href: '/access-requests', label: 'Access requests', icon: 'Inbox' },
      { href: '/tokens', label: 'Sessions & tokens', icon: 'KeyRound' },
      { href: '/webhooks', label: 'Webhooks', icon: 'Webhook', adminOnly: true },
    ],
  },
  {
    id: 'operations',
    title: 'Operations',
    items: [
      { href: '/audit', label: 'Audit log', icon: 'ScrollText' },
      { href: '/health', label: 'Database health', icon: 'HeartPulse', rootOnly: true },
      { href: '/deliveries', label: 'Deliveries', icon: 'Send', adminOnly: true },
      { href: '/settings', label: 'Settings', icon: 'Settings', adminOnly: true },
    ],
  },
];

/** The sections with only the items this audience can use (empty sections dropped). */
export function visibleNavSections(who: NavAudience): NavSection[] {
  const shown = (item: NavItem) =>
    who.root ||
    (!item.rootOnly && (!item.adminOnly || who.admin) && (!item.warehouseReaders || who.admin || who.warehouses));
  return NAV_SECTIONS.map((section) => ({ ...section, items: section.items.filter(shown) })).filter(
    (section) => section.items.length > 0,
  );
}

/** Active when the path equals href or is nested below it. */
export function isNavItemActive(pathname: string | null | undefined, href: string): boolean {
  if (!pathname) return false;
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(href + '/');
}
