import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Catalogs' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Catalogs" />
      <NotAvailableYet area="Catalogs" />
    </>
  );
}
