import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Users' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Users" />
      <NotAvailableYet area="Users" />
    </>
  );
}
