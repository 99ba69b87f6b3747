import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Roles' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Roles" />
      <NotAvailableYet area="Roles" />
    </>
  );
}
