import { isTerminalRunPhase } from '@cyclone/domain/core';
import { KUBE_PATHS, type KubeClients } from '@cyclone/k8s';
import type { Logger } from '../../../logging/logger.js';
import type { RunSummary } from '../executor.js';
import type { RunObjects, WriteCounter } from './run-objects.js';
import { workflowRunStatus } from './workflow-run-cr.js';

/**
 * Writes the summary status of WorkflowRun resources on run phase changes: one run's
 * writes in order (Running never lands after Succeeded), a failed one kept and tried
 * again by `retryFailed` (the run's next phase change, if any, replaces it).
 */
export class RunStatusWriter {
  private readonly failed = new Map<string, RunSummary>();
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: { clients: KubeClients; logger: Logger; objects: RunObjects; writes: WriteCounter },
  ) {}

  phaseChanged(runId: string, summary: RunSummary): Promise<void> {
    const previous = this.writes.get(runId) ?? Promise.resolve();
    const write = previous.then(async () => {
      this.failed.delete(runId);
      try {
        await this.write(runId, summary);
      } catch (err) {
        this.failed.set(runId, summary);
        throw err;
      }
    });
    const settled = write.catch(() => undefined);
    this.writes.set(runId, settled);
    settled.then(() => {
      if (this.writes.get(runId) === settled) this.writes.delete(runId);
    });
    return write;
  }

  async retryFailed(): Promise<void> {
    for (const [runId, summary] of [...this.failed]) {
      await this.write(runId, summary).then(
        () => {
          if (this.failed.get(runId) === summary) this.failed.delete(runId);
        },
        (err: unknown) => this.deps.logger.warn({ err, runId }, 'could not write a WorkflowRun status; retrying'),
      );
    }
  }

  private async write(runId: string, summary: RunSummary): Promise<void> {
    const { objects } = this.deps;
    let run = objects.known(runId);
    if (!run?.uid) {
      // Not started by this process (e.g. before a restart): update the resource if it exists.
      run = await objects.context(runId);
      const uid = await objects.findWorkflowRun(run);
      // A run that never started a pod has no resource, and needs none.
      if (uid === undefined) return;
      run.uid = Promise.resolve(uid);
    }
    await run.uid;
    this.deps.writes.count('WorkflowRun/status');
    await this.deps.clients.plain.mergePatch(
      `${KUBE_PATHS.customObjects(objects.target(run))}/${run.names.run}/status`,
      { status: workflowRunStatus(summary) },
    );
    if (isTerminalRunPhase(summary.phase)) objects.forget(runId);
  }
}
