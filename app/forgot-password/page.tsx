import Link from 'next/link';
import { linkClass } from '@/components/ui';
import { ForgotPasswordForm } from './forgot-form';

export const metadata = { title: 'Forgot password' };
export const dynamic = 'force-dynamic';

export default function ForgotPasswordPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Forgot your password?</h1>
        <p className="mt-1 text-sm text-zinc-500">
          We mail a link to choose a new one to the address of your account, when your tenant has mail set up. Otherwise
          ask your administrator to reset it.
        </p>
        <ForgotPasswordForm />
        <p className="mt-4 text-center text-sm">
          <Link className={linkClass()} href="/login">
            Back to sign-in
          </Link>
        </p>
      </div>
    </main>
  );
}
