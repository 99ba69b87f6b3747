import Link from 'next/link';
import { redirect } from 'next/navigation';
import { linkClass } from '@/components/ui';
import { oidcConfig, passwordLoginAllowed } from '@/lib/auth/oidc';
import { currentActor } from '@/lib/auth/session';
import { needsSetup } from '@/lib/setup';
import { LoginForm } from './login-form';
import { SsoButton } from './sso-button';

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
  OAuthSignin: 'The identity provider could not be reached; try again later.',
  OAuthCallback: 'The identity provider did not complete the sign-in; try again.',
  SsoThrottled: 'Too many sign-in attempts from this address; wait a few minutes and try again.',
  Default: 'Sign-in did not complete; try again.',
};

function loginErrorMessage(code: string | undefined): string | undefined {
  return code && Object.hasOwn(LOGIN_ERRORS, code) ? LOGIN_ERRORS[code] : undefined;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await needsSetup()) redirect('/setup');
  if (await currentActor()) redirect('/');
  const { error } = await searchParams;
  const sso = oidcConfig();
  const passwords = !sso || passwordLoginAllowed();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Sign in to Pangolin Console</h1>
        {sso && !passwords && loginErrorMessage(error) && (
          <p role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
            {loginErrorMessage(error)}
          </p>
        )}
        {sso && (
          <div className="mt-6">
            <SsoButton name={sso.name} />
          </div>
        )}
        {passwords ? (
          <>
            <p className="mt-6 text-sm text-zinc-500">
              {sso ? 'Or use your Pangolin username and password.' : 'Use your Pangolin account.'}
            </p>
            <LoginForm initialError={loginErrorMessage(error)} />
            <p className="mt-4 text-center text-sm">
              <Link className={linkClass()} href="/forgot-password">
                Forgot your password?
              </Link>
            </p>
          </>
        ) : (
          <details className="mt-6 text-sm">
            <summary className="cursor-pointer text-zinc-500">Break-glass sign-in (Root only)</summary>
            <LoginForm initialError={loginErrorMessage(error)} />
          </details>
        )}
      </div>
    </main>
  );
}
