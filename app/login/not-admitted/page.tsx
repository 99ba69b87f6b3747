import Link from 'next/link';
import { refusalContact } from '@/lib/auth/sso';
import { isUuid } from '@/lib/ids';

export const metadata = { title: 'Not admitted' };
export const dynamic = 'force-dynamic';

/** Fixed texts per reason: the URL carries only a code and a tenant id, never words of its own. */
const REASONS: Record<string, string> = {
  not_admitted:
    'Your company account signed in, but no tenant of this console admits it: none of your groups is one a tenant lets in.',
  not_provisioned:
    'Your company account is admitted, but this tenant does not create accounts at first sign-in and has none for you yet.',
  deactivated: 'Your account in this console is deactivated.',
};

export default async function NotAdmittedPage({
  searchParams,
}: {
  searchParams: Promise<{ reason?: string; tenant?: string }>;
}) {
  const { reason, tenant } = await searchParams;
  const text = reason && Object.hasOwn(REASONS, reason) ? REASONS[reason] : REASONS.not_admitted;
  const who = tenant && isUuid(tenant) ? await refusalContact(tenant) : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold">Your account is not admitted</h1>
        <p className="mt-3 text-sm">{text}</p>
        <p className="mt-3 text-sm">
          {who?.contact
            ? `Ask ${who.contact} (administrators of tenant ${who.tenantName}) to give you access.`
            : who
              ? `Ask an administrator of tenant ${who.tenantName} to give you access.`
              : 'Ask the administrator of your team’s tenant to admit your group in Settings → Single sign-on.'}
        </p>
        <p className="mt-6 text-sm">
          <Link href="/login" className="underline">
            Back to sign-in
          </Link>
        </p>
      </div>
    </main>
  );
}
