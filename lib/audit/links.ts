/** Where the console shows the object an audit event is about (null when it has no page of its own). */
export function resourceHref(e: {
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
}): string | null {
  const id = e.resourceId ? encodeURIComponent(e.resourceId) : null;
  const name = e.resourceName ? encodeURIComponent(e.resourceName) : null;
  switch (e.resourceType) {
    case 'tenant':
      return id ? `/tenants/${id}` : '/tenants';
    case 'user':
      return id ? `/users/${id}` : '/users';
    case 'service_user':
      return id ? `/service-users/${id}` : '/service-users';
    case 'role':
      return id ? `/roles/${id}` : '/roles';
    case 'access_request':
      return id ? `/access-requests/${id}` : '/access-requests';
    case 'warehouse':
      return name ? `/warehouses/${name}` : '/warehouses';
    case 'catalog':
      return name ? `/catalogs/${name}` : '/catalogs';
    case 'namespace':
    case 'asset':
      return name ? `/search?q=${name}` : '/search';
    case 'branch':
    case 'tag':
      return '/branches';
    case 'merge_operation':
    case 'merge_conflict':
      return id ? `/merges/${id}` : '/merges';
    case 'permission':
      return '/roles';
    case 'session':
    case 'token':
      return '/tokens';
    case 'settings':
      return '/settings';
    case 'database_backend':
      return '/health';
    case 'audit_log':
      return '/audit';
    default:
      return null;
  }
}
