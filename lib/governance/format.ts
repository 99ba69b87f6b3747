export const roleLabels: Record<string, string> = {
  root: 'Root',
  tenant_admin: 'TenantAdmin',
  tenant_user: 'TenantUser',
};
