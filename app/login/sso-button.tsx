'use client';

import { signIn } from 'next-auth/react';
import { useTransition } from 'react';
import { Button } from '@/components/ui';

/** Starts the identity provider's sign-in (next-auth sends the browser there with state, nonce and PKCE). */
export function SsoButton({ name }: { name: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      type="button"
      className="w-full"
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          await signIn('oidc', { callbackUrl: '/' });
        })
      }
    >
      {pending ? 'Redirecting…' : `Sign in with ${name}`}
    </Button>
  );
}
