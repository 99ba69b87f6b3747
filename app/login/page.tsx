import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { needsSetup } from '@/lib/setup';
import { LoginForm } from './login-form';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await needsSetup()) redirect('/setup');
  if (await currentActor()) redirect('/');
  const { error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Sign in to Pangolin Console</h1>
        <p className="mt-1 text-sm text-zinc-500">Use your Pangolin account.</p>
        <LoginForm initialError={error && error !== 'CredentialsSignin' ? error.slice(0, 200) : undefined} />
      </div>
    </main>
  );
}
