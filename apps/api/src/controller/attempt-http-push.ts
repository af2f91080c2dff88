import { declaredStageName } from '@cyclone/domain';
import type { Db } from '../db/prisma.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { AttemptKey } from '../modules/runs/stage-ingest.repository.js';
import { toWorkflowSpec } from '../modules/workflows/workflows.repository.js';
import type { HttpPush } from './executors/executor.js';
import { applyStageParameters } from './run-values.js';
import { prepareStageResources } from './stage-resources.js';

/**
 * Http resources a stage pod sends through the API (its route, http/stage-resources-route.ts):
 * what the attempt declares, and the record of what went out, which the attempt's exit checks.
 */
export class AttemptHttpPushes {
  constructor(private readonly deps: { db: Db; box: SecretBox }) {}

  declared(key: AttemptKey, name: string): Promise<HttpPush | undefined> {
    return attemptHttpPush(this.deps.db, this.deps.box, key, name);
  }

  async recordSent(key: AttemptKey, name: string, status: number): Promise<void> {
    await this.deps.db.resourceSend.upsert({
      where: { runId_stage_attempt_name: { ...key, name } },
      create: { ...key, name, status },
      update: { status, sentAt: new Date() },
    });
  }
}

/**
 * The Http push an attempt's stage declares under `name`, prepared as the pass prepares
 * it (run overrides applied, sealed parameters and integration values opened), for the
 * API to send what a stage pod streams it: its URL and headers never reach the pod.
 * Undefined when the stage gives no Http resource of that name.
 */
async function attemptHttpPush(db: Db, box: SecretBox, key: AttemptKey, name: string): Promise<HttpPush | undefined> {
  return db.$transaction(async (tx) => {
    const run = await tx.workflowRun.findUniqueOrThrow({
      where: { id: key.runId },
      select: {
        number: true,
        parameters: true,
        version: { select: { spec: true } },
        workflow: { select: { name: true, project: { select: { id: true, tenantId: true } } } },
      },
    });
    const original = toWorkflowSpec(run.version.spec).stages.find((s) => s.name === declaredStageName(key.stage));
    if (!original?.outputs.resources.some((r) => r.name === name)) return undefined;
    const stage = applyStageParameters(original, run);
    // Only this output: the stage's other resources (and their credentials) are not needed here.
    const only = {
      ...stage,
      inputs: { ...stage.inputs, resources: [] },
      outputs: { ...stage.outputs, resources: stage.outputs.resources.filter((r) => r.name === name) },
    };
    const { project } = run.workflow;
    const scope = { tenantId: project.tenantId, projectId: project.id, workflow: run.workflow.name };
    const prepared = await prepareStageResources(tx, { box }, run, only, scope, new Set());
    return prepared.httpPushes.find((p) => p.name === name);
  });
}
