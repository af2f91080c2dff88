import { waitFor } from './wait.js';

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stop means stop: the process is gone within 5 seconds. */
export async function expectGone(pid: number): Promise<void> {
  await waitFor(() => !isAlive(pid), { what: `process ${pid} to be gone`, timeoutMs: 5_000, intervalMs: 20 });
}
