import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Access requests' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Access requests" />
      <NotAvailableYet area="Access requests" />
    </>
  );
}
