import { readdirSync, readFileSync } from 'node:fs';

/**
 * Processes on this machine whose command line or environment holds `marker`, by
 * a scan of /proc (a stage's processes live in their own PID namespace, so the pid
 * a stage sees of itself means nothing here). Tests run as root or as the API's
 * user, who may read the environments of stage processes.
 */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${pid}/${file}`).includes(marker)) {
          found.push(pid);
          break;
        }
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
  }
  return found;
}

/** The processes of a run's stages: each has CYCLONE_RUN_ID in its environment. */
export const stageProcesses = (runId: string, stage?: string) =>
  processesWith(`CYCLONE_RUN_ID=${runId}`).filter(
    (pid) => stage === undefined || readEnviron(pid).includes(`CYCLONE_STAGE=${stage}`),
  );

function readEnviron(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Waits until no process holds `marker` (a few seconds at most), then returns those left. */
export async function survivorsOf(find: () => number[], timeoutMs = 5_000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  let left = find();
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = find();
  }
  return left;
}
