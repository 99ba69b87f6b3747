'use client';

import { useRouter } from 'next/navigation';

/** Admins: look at another user's sessions. */
export function UserPicker({
  users,
  current,
  self,
}: {
  users: { id: string; username: string }[];
  current: string;
  self: string;
}) {
  const router = useRouter();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="tokens-user" className="text-sm text-zinc-600 dark:text-zinc-400">
        Show sessions of
      </label>
      <select
        id="tokens-user"
        value={current}
        onChange={(e) =>
          router.push(e.currentTarget.value === self ? '/tokens' : `/tokens?user=${e.currentTarget.value}`)
        }
        className="h-8 max-w-full min-w-0 rounded-md border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {!users.some((u) => u.id === self) ? <option value={self}>me</option> : null}
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.id === self ? `${u.username} (me)` : u.username}
          </option>
        ))}
      </select>
    </div>
  );
}
