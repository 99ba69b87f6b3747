import { ErrorState, PageHeader } from '@/components/ui';
import { AREAS } from '@/lib/health/types';
import { requireHealthActor } from './guard';
import { HealthTabs } from './tabs';

export default async function HealthLayout({ children }: { children: React.ReactNode }) {
  if (!(await requireHealthActor())) {
    return (
      <>
        <PageHeader title="Database health" />
        <ErrorState
          title="Only Root can see database health"
          message="It shows the whole PostgreSQL server: every tenant's connections, statements and tables. Ask a Root user if something seems slow."
        />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Database health"
        description="The PostgreSQL behind the console: each check runs in its own short transaction with its own time limit, so one slow check cannot hold up the page."
      />
      <HealthTabs areas={AREAS.map(({ title, href }) => ({ title, href }))} />
      {children}
    </>
  );
}
