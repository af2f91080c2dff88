import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, startExecutorKit } from './kube-executor.fixture.js';

/**
 * A run started right after its tenant was created, before the mirror made the
 * tenant's namespace: its first pod waits for the namespace instead of failing the
 * stage with "namespaces ... not found".
 */
describe('a run started before its tenant namespace exists', () => {
  let kit: ExecutorKit;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;

  beforeAll(async () => {
    kit = await startExecutorKit(undefined, { namespaceLater: true });
    controller = await kit.startController();
  });

  afterAll(async () => {
    await controller?.stop();
    await kit?.stop();
  });

  it('waits for the namespace, then runs', async () => {
    await kit.h.createWorkflow('early', [sh('a', 'make')]);
    const runId = await kit.h.start('early');
    // The executor has tried to make the run's WorkflowRun resource, and tries again.
    await waitFor(async () => controller.executor.writes.byKind.WorkflowRun ?? 0, {
      until: (tries) => tries >= 2,
      what: 'a second try at the WorkflowRun resource',
    });
    await kit.prepareNamespace();
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.stages.map((s) => [s.name, s.phase, s.attempt, s.message])).toEqual([['a', 'SUCCEEDED', 1, '']]);
    expect(run.phase).toBe('SUCCEEDED');
  });
});
