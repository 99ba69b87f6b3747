import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Search' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Search" />
      <NotAvailableYet area="Search" />
    </>
  );
}
