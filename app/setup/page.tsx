import { redirect } from 'next/navigation';
import { needsSetup } from '@/lib/setup';
import { SetupForm } from './setup-form';

export const metadata = { title: 'First-run setup' };
export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  if (!(await needsSetup())) redirect('/login');
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Welcome to Pangolin Console</h1>
        <p className="mt-1 text-sm text-zinc-500">
          Create the Root account. Root administers every tenant. The setup token proves you run this server. (Set
          PANGOLIN_ROOT_USER and PANGOLIN_ROOT_PASSWORD to skip this page.)
        </p>
        <SetupForm />
      </div>
    </main>
  );
}
