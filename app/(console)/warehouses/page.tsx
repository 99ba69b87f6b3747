import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Warehouses' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Warehouses" />
      <NotAvailableYet area="Warehouses" />
    </>
  );
}
