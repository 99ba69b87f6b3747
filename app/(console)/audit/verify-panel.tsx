'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@/components/ui';

type Outcome = {
  ok: boolean;
  rows: number;
  chains: number;
  durationMs: number;
  tenantName: string | null;
  firstBreak: { chainId: string; seq: number; id: string | null; reason: string } | null;
};
type State =
  | { phase: 'idle' }
  | { phase: 'running'; checked: number; total: number }
  | { phase: 'done'; outcome: Outcome }
  | { phase: 'error'; message: string };

const n = (v: number) => v.toLocaleString('en-US');

/** Runs the chain verification and shows its progress as the server streams it, then the outcome. */
export function VerifyPanel({ tenant, scopeLabel }: { tenant?: string; scopeLabel: string }) {
  const [state, setState] = useState<State>({ phase: 'idle' });

  const run = async () => {
    setState({ phase: 'running', checked: 0, total: 0 });
    try {
      const res = await fetch(`/audit/verify${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`, {
        method: 'POST',
      });
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => null);
        setState({
          phase: 'error',
          message: body?.error?.message ?? `The verification could not start (HTTP ${res.status})`,
        });
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          const e = JSON.parse(line);
          if (e.type === 'progress') setState({ phase: 'running', checked: e.checked, total: e.total });
          else if (e.type === 'done') setState({ phase: 'done', outcome: e.outcome });
          else if (e.type === 'error') setState({ phase: 'error', message: e.message });
        }
      }
    } catch {
      setState({ phase: 'error', message: 'The connection was lost before the verification finished. Try again.' });
    }
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" onClick={run} disabled={state.phase === 'running'}>
          {state.phase === 'running' ? 'Verifying…' : 'Verify integrity'}
        </Button>
        <span className="text-xs text-zinc-500">Recomputes the hash chain of {scopeLabel}.</span>
      </div>
      {state.phase === 'running' ? (
        <div role="status" className="space-y-1">
          <progress
            className="h-2 w-64"
            value={state.checked}
            max={state.total || 1}
            aria-label="Verification progress"
          />
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Checked {n(state.checked)} of {n(state.total)} rows…
          </p>
        </div>
      ) : null}
      {state.phase === 'done' && state.outcome.ok ? (
        <p
          role="status"
          className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800 dark:border-green-500/30 dark:bg-green-500/10 dark:text-green-300"
        >
          Intact: {n(state.outcome.rows)} rows in {n(state.outcome.chains)} chain{state.outcome.chains === 1 ? '' : 's'}{' '}
          verified in {(state.outcome.durationMs / 1000).toFixed(1)} s.
        </p>
      ) : null}
      {state.phase === 'done' && !state.outcome.ok && state.outcome.firstBreak ? (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
        >
          <p className="font-semibold">The audit trail has been tampered with.</p>
          <p>
            {state.outcome.tenantName ? `Tenant ${state.outcome.tenantName}` : 'Chain'}, row{' '}
            {n(state.outcome.firstBreak.seq)}: {state.outcome.firstBreak.reason}. {n(state.outcome.rows)} rows before it
            are intact.
          </p>
          {state.outcome.firstBreak.id ? (
            <Link className="underline" href={`/audit/${state.outcome.firstBreak.id}`}>
              Open the row
            </Link>
          ) : null}
        </div>
      ) : null}
      {state.phase === 'error' ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
        >
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
