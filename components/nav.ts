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
  | 'Settings';

export interface NavItem {
  href: string;
  label: string;
  icon: NavIconName;
  /** Only shown to root (platform) administrators. */
  rootOnly?: boolean;
}

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
      { href: '/warehouses', label: 'Warehouses', icon: 'Warehouse' },
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
      { href: '/users', label: 'Users', icon: 'Users' },
      { href: '/service-users', label: 'Service users', icon: 'Bot' },
      { href: '/roles', label: 'Roles', icon: 'ShieldCheck' },
      { href: '/access-requests', label: 'Access requests', icon: 'Inbox' },
      { href: '/tokens', label: 'Sessions & tokens', icon: 'KeyRound' },
    ],
  },
  {
    id: 'operations',
    title: 'Operations',
    items: [
      { href: '/audit', label: 'Audit log', icon: 'ScrollText' },
      { href: '/health', label: 'Database health', icon: 'HeartPulse', rootOnly: true },
      { href: '/settings', label: 'Settings', icon: 'Settings' },
    ],
  },
];

/** Sections with rootOnly items removed for non-root users (empty sections dropped). */
export function visibleNavSections(isRoot: boolean): NavSection[] {
  return NAV_SECTIONS.map((section) => ({
    ...section,
    items: section.items.filter((item) => isRoot || !item.rootOnly),
  })).filter((section) => section.items.length > 0);
}

/** Active when the path equals href or is nested below it. */
export function isNavItemActive(pathname: string | null | undefined, href: string): boolean {
  if (!pathname) return false;
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(href + '/');
}
