'use client';

import { useState } from 'react';
import { ActionForm, Field } from '@/components/form';
import { Button, KeyValueList } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { CopyButton } from '@/components/copy-button';
import {
  disableTwoFactorAction,
  enableTwoFactorAction,
  regenerateRecoveryCodesAction,
  startTwoFactorAction,
} from './actions';

export type TwoFactorStatus = {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  required: boolean;
};

type Enrolment = { secret: string; uri: string; qrCode: string };

/**
 * Two-factor sign-in on one's profile: set up (QR code or key → confirm a code → recovery codes shown once), new
 * recovery codes, turn off. Recovery codes live only in this component's state: leave the page and they are gone.
 */
export function TwoFactorPanel({ status, username }: { status: TwoFactorStatus; username: string }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  if (codes) return <RecoveryCodes codes={codes} username={username} onDone={() => setCodes(null)} />;

  if (status.enabled) {
    return (
      <div className="space-y-4">
        <KeyValueList
          items={[
            { label: 'Status', value: `On since ${formatDateTime(status.enabledAt)}` },
            {
              label: 'Recovery codes left',
              value:
                status.recoveryCodesLeft <= 2
                  ? `${status.recoveryCodesLeft} — make new ones`
                  : status.recoveryCodesLeft,
            },
          ]}
        />
        <ActionForm
          action={regenerateRecoveryCodesAction}
          submitLabel="Make new recovery codes"
          submitVariant="secondary"
          resetOnSuccess
          onSuccess={(d) => setCodes((d as { recoveryCodes: string[] }).recoveryCodes)}
        >
          <input type="text" value={username} autoComplete="username" readOnly hidden />
          <Field
            id="recovery-current-password"
            name="currentPassword"
            label="Current password"
            type="password"
            required
            autoComplete="current-password"
            description="The ten new codes replace the old ones."
          />
        </ActionForm>
        {status.required ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Two-factor sign-in is required for your role. If you lose your device, use a recovery code, or ask another
            administrator to reset it.
          </p>
        ) : (
          <ActionForm
            action={disableTwoFactorAction}
            submitLabel="Turn off two-factor sign-in"
            submitVariant="danger"
            resetOnSuccess
          >
            <input type="text" value={username} autoComplete="username" readOnly hidden />
            <Field
              id="disable-current-password"
              name="currentPassword"
              label="Current password"
              type="password"
              required
              autoComplete="current-password"
            />
          </ActionForm>
        )}
      </div>
    );
  }

  if (enrolment) {
    return (
      <div className="space-y-4">
        <ol className="list-decimal space-y-3 pl-5 text-sm">
          <li>
            Scan this code with an authenticator app (such as Google Authenticator, 1Password or Aegis).
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server from the otpauth:// URI, not a remote image */}
            <img
              src={enrolment.qrCode}
              width={200}
              height={200}
              alt="QR code holding your two-factor secret"
              className="mt-2 rounded border border-zinc-200 bg-white p-1 dark:border-zinc-700"
            />
          </li>
          <li>
            Or type this key into the app:
            <div className="mt-1 flex items-center gap-2">
              <code
                aria-label="Two-factor key"
                className="rounded bg-zinc-100 px-2 py-1 text-xs break-all select-all dark:bg-zinc-800"
              >
                {enrolment.secret}
              </code>
              <CopyButton value={enrolment.secret} label="Copy key" />
            </div>
          </li>
          <li>Enter the 6-digit code the app shows now.</li>
        </ol>
        <ActionForm
          action={enableTwoFactorAction}
          submitLabel="Turn on two-factor sign-in"
          onSuccess={(d) => {
            setEnrolment(null);
            setCodes((d as { recoveryCodes: string[] }).recoveryCodes);
          }}
        >
          <Field name="code" label="Code from the app" required autoComplete="one-time-code" maxLength={20} />
        </ActionForm>
        <Button variant="ghost" size="sm" onClick={() => setEnrolment(null)}>
          Cancel
        </Button>
      </div>
    );
  }

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {status.required ? 'Required for your role: set it up to continue. ' : 'Off. '}
        With two-factor sign-in, signing in to the console also asks for a code from an app on your phone. API tokens
        and service keys are not affected.
      </p>
      <ActionForm
        action={startTwoFactorAction}
        submitLabel="Set up two-factor sign-in"
        onSuccess={(d) => setEnrolment(d as Enrolment)}
      >
        {null}
      </ActionForm>
    </div>
  );
}

function RecoveryCodes({ codes, username, onDone }: { codes: string[]; username: string; onDone: () => void }) {
  const text = codes.join('\n');
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(`Pangolin recovery codes for ${username}\n\n${text}\n`)}`;
  return (
    <div
      role="region"
      aria-label="Recovery codes"
      className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-500/40 dark:bg-amber-500/10"
    >
      <p className="text-sm font-medium text-amber-900 dark:text-amber-200">Recovery codes — shown only once</p>
      <p className="text-xs text-amber-800 dark:text-amber-300">
        Each code signs you in once instead of a code from the app. Store them somewhere safe now: only hashes are kept.
      </p>
      <ul className="grid grid-cols-2 gap-1 font-mono text-sm" aria-label="Your recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton value={text} label="Copy codes" />
        <a
          href={download}
          download={`pangolin-recovery-codes-${username}.txt`}
          className="rounded border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700"
        >
          Download
        </a>
        <Button size="sm" onClick={onDone}>
          I have stored them
        </Button>
      </div>
    </div>
  );
}
