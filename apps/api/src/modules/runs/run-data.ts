import { rm } from 'node:fs/promises';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RunDataPlaces {
  /** The run's local workspace directory (HostExecutor.workspaceOf). */
  workspaceOf(runId: string): string;
  /** The API's own folder of the run's pulled resources (HostExecutor.pullsOf). */
  pullsOf?(runId: string): string;
  /** The artifact store, when this process has one. */
  artifacts?: { removeRun(runId: string): Promise<void> };
}

/**
 * Removes everything a run left outside its database rows: its workspace, its
 * pulls and its artifacts. Idempotent, so a deletion interrupted half-way is finished by the next
 * retention pass. The rows (run, stages, log lines) are deleted afterwards by the caller.
 */
export async function deleteRunData(runId: string, places: RunDataPlaces): Promise<void> {
  if (!UUID.test(runId)) throw new Error(`not a run id: ${runId}`);
  await rm(places.workspaceOf(runId), { recursive: true, force: true });
  if (places.pullsOf) await rm(places.pullsOf(runId), { recursive: true, force: true });
  await places.artifacts?.removeRun(runId);
}
