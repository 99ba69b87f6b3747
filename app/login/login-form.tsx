'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui';
import { TWO_FACTOR_PREFIX } from '@/lib/auth/sign-in-errors';

const inputClass =
  'mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-950';

/**
 * Username and password; then, for an account with two-factor sign-in, a second step asking for the code (the
 * password stays in this form's memory only until the sign-in completes or the person goes back).
 */
export function LoginForm({ initialError }: { initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, startTransition] = useTransition();
  const [codeStep, setCodeStep] = useState<{ username: string; password: string } | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (codeStep) codeRef.current?.focus();
  }, [codeStep]);

  function submit(username: string, password: string, code?: string) {
    startTransition(async () => {
      setError(undefined);
      const result = await signIn('credentials', { username, password, code: code ?? '', redirect: false });
      if (!result || result.error) {
        const message =
          result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Wrong username or password';
        if (message.startsWith(TWO_FACTOR_PREFIX)) {
          setCodeStep({ username, password });
          // The first prompt is not an error: only a code that was entered and refused is.
          setError(code ? message.slice(TWO_FACTOR_PREFIX.length) : undefined);
          if (codeRef.current) codeRef.current.value = '';
          return;
        }
        setCodeStep(null);
        setError(message);
        return;
      }
      router.replace('/');
      router.refresh();
    });
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (codeStep) submit(codeStep.username, codeStep.password, String(form.get('code') ?? ''));
    else submit(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}
      {codeStep ? (
        <>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Signing in as <span className="font-medium">{codeStep.username}</span>. Enter the 6-digit code from your
            authenticator app, or one of your recovery codes.
          </p>
          <label className="block text-sm font-medium" htmlFor="code">
            Two-factor code
            <input
              ref={codeRef}
              id="code"
              name="code"
              autoComplete="one-time-code"
              required
              maxLength={40}
              spellCheck={false}
              aria-invalid={error ? true : undefined}
              className={inputClass}
            />
          </label>
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? 'Checking…' : 'Verify'}
          </Button>
          <button
            type="button"
            className="w-full text-sm text-zinc-600 underline dark:text-zinc-400"
            onClick={() => {
              setCodeStep(null);
              setError(undefined);
            }}
          >
            Back to username and password
          </button>
        </>
      ) : (
        <>
          <label className="block text-sm font-medium" htmlFor="username">
            Username
            <input
              id="username"
              name="username"
              autoComplete="username"
              required
              maxLength={200}
              className={inputClass}
            />
          </label>
          <label className="block text-sm font-medium" htmlFor="password">
            Password
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={1000}
              className={inputClass}
            />
          </label>
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </Button>
        </>
      )}
    </form>
  );
}
