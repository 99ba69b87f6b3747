import { ConfirmButton } from '@/components/confirm-button';
import { Badge, EmptyState } from '@/components/ui';
import type { GrantRow } from '@/lib/governance/queries/permissions';
import { formatDate } from '@/lib/format';
import { revokeGrantAction } from '../users/actions';

/** Grants as a table: scope, actions, expiry, who granted it; revoke buttons when the viewer may. */
/**
 * `handedOn`: the grants this list's holder handed on to others. Revoking one of the holder's grants leaves those in
 * place unless the person confirming asks to revoke them too, so the confirmation lists them.
 */
export function GrantList({
  grants,
  canRevoke,
  empty = 'No grants yet',
  handedOn = [],
}: {
  grants: GrantRow[];
  canRevoke: boolean;
  empty?: string;
  handedOn?: GrantRow[];
}) {
  if (!grants.length) return <EmptyState title={empty} />;
  return (
    <div className="relative overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Grants">
        <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-900/60 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Scope
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Actions
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Expires
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Granted
            </th>
            {canRevoke ? (
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Revoke</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {grants.map((g) => (
            <tr key={g.id}>
              <td className="px-3 py-2">{g.description}</td>
              <td className="px-3 py-2">
                <div className="flex flex-wrap gap-1">
                  {g.actions.map((a) => (
                    <Badge key={a} tone="blue">
                      {a}
                    </Badge>
                  ))}
                </div>
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                {g.expired ? (
                  <Badge tone="red">expired {formatDate(g.expiresAt)}</Badge>
                ) : g.expiresAt ? (
                  formatDate(g.expiresAt)
                ) : (
                  'never'
                )}
              </td>
              <td className="px-3 py-2 whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                {formatDate(g.grantedAt)}
                {g.grantedByName ? ` by ${g.grantedByName}` : ''}
                {g.accessRequestId ? ' (access request)' : ''}
              </td>
              {canRevoke ? (
                <td className="px-3 py-2 text-right">
                  <ConfirmButton
                    action={revokeGrantAction}
                    hidden={{ id: g.id }}
                    label="Revoke"
                    title="Revoke grant"
                    confirmText={
                      <HandedOnNotice
                        text={`Revoke ${g.actions.join(', ')} on ${g.description}? It stops working at once.`}
                        handedOn={handedOn}
                      />
                    }
                    confirmLabel="Revoke"
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The revoke confirmation's text, and the grants the holder handed on with a choice to revoke them too. */
function HandedOnNotice({ text, handedOn }: { text: string; handedOn: GrantRow[] }) {
  if (!handedOn.length) return <>{text}</>;
  const shown = handedOn.slice(0, 10);
  return (
    <div className="space-y-2">
      <p>{text}</p>
      <p>
        The holder handed on {handedOn.length} grant{handedOn.length === 1 ? '' : 's'} to others; revoking this one
        leaves them in place:
      </p>
      <ul className="list-disc space-y-0.5 pl-5">
        {shown.map((h) => (
          <li key={h.id}>
            {h.actions.join(', ')} on {h.description} to {h.grantee.name ?? 'a deleted grantee'}
          </li>
        ))}
        {handedOn.length > shown.length ? <li>and {handedOn.length - shown.length} more</li> : null}
      </ul>
      <label className="flex items-center gap-2 text-zinc-800 dark:text-zinc-200">
        <input type="checkbox" name="cascade" /> Also revoke the {handedOn.length} grant
        {handedOn.length === 1 ? '' : 's'} handed on
      </label>
    </div>
  );
}
