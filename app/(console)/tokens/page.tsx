import { NotAvailableYet, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';

export const metadata = { title: 'Tokens' };

export default async function Page() {
  await requireActor();
  return (
    <>
      <PageHeader title="Tokens" />
      <NotAvailableYet area="Tokens" />
    </>
  );
}
