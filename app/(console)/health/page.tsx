import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Health' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Health" />
      <NotAvailableYet area="Health" />
    </>
  );
}
