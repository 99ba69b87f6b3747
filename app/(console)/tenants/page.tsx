import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Tenants' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Tenants" />
      <NotAvailableYet area="Tenants" />
    </>
  );
}
