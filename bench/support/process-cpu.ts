import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by processes of this machine (from /proc): the given pids (e.g. a benchmark's own
 * database backends, so other work on the server does not count), or every process with that name (by
 * default all of PostgreSQL's). Null when none is found or /proc is unreadable. Beside a benchmark's own CPU,
 * it shows where a 2-core machine's time goes: the client, the server, or the database.
 */
export function processCpuSeconds(pids?: number[], processName = 'postgres'): number | null {
  try {
    const tick = 100; // USER_HZ on Linux
    let total = 0;
    let found = false;
    for (const pid of pids?.map(String) ?? readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!pids && name !== processName) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
      found = true;
    }
    return found ? total : null;
  } catch {
    return null;
  }
}
