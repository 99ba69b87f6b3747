import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Audit' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Audit" />
      <NotAvailableYet area="Audit" />
    </>
  );
}
