import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Settings' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Settings" />
      <NotAvailableYet area="Settings" />
    </>
  );
}
