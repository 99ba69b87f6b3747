import Link from 'next/link';
import { linkClass } from '@/components/ui';
import { LINK_GONE, linkOwner } from '@/lib/governance/password-links';
import { SetPasswordForm } from './set-password-form';

export const metadata = { title: 'Choose a password' };
export const dynamic = 'force-dynamic';

/** Opened from an invitation or a "forgot password" mail: the link's token is in the query string. */
export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = '' } = await searchParams;
  const owner = await linkOwner(token);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Choose a password</h1>
        {owner ? (
          <>
            <p className="mt-1 text-sm text-zinc-500">
              For the account <strong>{owner.username}</strong>. Every session of this account is signed out.
            </p>
            <SetPasswordForm token={token} />
          </>
        ) : (
          <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
            {LINK_GONE}. Ask for a new one on the sign-in page (“Forgot your password?”) or from your administrator.
          </p>
        )}
        <p className="mt-4 text-center text-sm">
          <Link className={linkClass()} href="/login">
            Go to sign-in
          </Link>
        </p>
      </div>
    </main>
  );
}
