import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Branches' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Branches" />
      <NotAvailableYet area="Branches" />
    </>
  );
}
