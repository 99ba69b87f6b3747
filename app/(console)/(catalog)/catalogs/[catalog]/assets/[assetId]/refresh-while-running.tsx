'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** While a maintenance run of this table is queued or running, the page re-reads itself every few seconds. */
export function RefreshWhileRunning({ active, everyMs = 3000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs, router]);
  return active ? (
    <p role="status" className="text-xs text-zinc-500">
      A run is in progress; this page refreshes every few seconds.
    </p>
  ) : null;
}
