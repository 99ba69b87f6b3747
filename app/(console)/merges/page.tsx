import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Merges' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Merges" />
      <NotAvailableYet area="Merges" />
    </>
  );
}
