import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/** Parent pid and CPU ticks (user + system) of every live process (Linux /proc). */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name (which may hold spaces): state ppid ... utime(14th) stime(15th).
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return table;
}

function parentPid(pid: number): number {
  return processTable().get(pid)?.ppid ?? 0;
}

/** The postmaster of the Postgres a client is connected to (its backend's parent), to sum the CPU of all its processes. */
export async function postmasterPidOf(sql: pg.Client): Promise<number> {
  const backend = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return parentPid(Number(backend.rows[0]?.pid));
}

/**
 * CPU seconds used so far by a process and its live descendants (cluster workers,
 * Postgres backends). Less sensitive than latency to other load on a shared machine.
 */
export function cpuSecondsOfTree(rootPid: number): number {
  const table = processTable();
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    ticks += table.get(pid)?.ticks ?? 0;
    for (const [child, stat] of table) if (stat.ppid === pid) pending.push(child);
  }
  return ticks / 100; // USER_HZ
}
