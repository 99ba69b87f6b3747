import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Service users' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Service users" />
      <NotAvailableYet area="Service users" />
    </>
  );
}
