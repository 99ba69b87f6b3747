import Link from 'next/link';
import { redirect } from 'next/navigation';
import { linkClass } from '@/components/ui';
import { currentActor } from '@/lib/auth/session';
import { needsSetup } from '@/lib/setup';
import { LoginForm } from './login-form';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/**
 * Only messages of our own for the error codes sign-in redirects carry (next-auth's); any other text in the URL
 * is ignored, so a link cannot put words in the console's mouth.
 */
const LOGIN_ERRORS: Record<string, string> = {
  CredentialsSignin: 'Wrong username or password',
  SessionRequired: 'Sign in to continue.',
  AccessDenied: 'This account may not sign in.',
  Configuration: 'Sign-in is not available right now; try again later.',
  Default: 'Sign-in did not complete; try again.',
};

function loginErrorMessage(code: string | undefined): string | undefined {
  return code && Object.hasOwn(LOGIN_ERRORS, code) ? LOGIN_ERRORS[code] : undefined;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await needsSetup()) redirect('/setup');
  if (await currentActor()) redirect('/');
  const { error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Sign in to Pangolin Console</h1>
        <p className="mt-1 text-sm text-zinc-500">Use your Pangolin account.</p>
        <LoginForm initialError={loginErrorMessage(error)} />
        <p className="mt-4 text-center text-sm">
          <Link className={linkClass()} href="/forgot-password">
            Forgot your password?
          </Link>
        </p>
      </div>
    </main>
  );
}
