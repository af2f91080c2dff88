import { durationTextToMs, type NameValue } from '@cyclone/domain';
import type { WorkflowRunManifestSpec } from '@cyclone/manifests';
import { badInput, conflict } from '../../errors/app-error.js';
import { stableJson } from '../resources/resources.repository.js';
import { requireExecutionCluster } from '../runs/execution-cluster.js';
import { createRunInTx } from '../runs/run-create.js';
import type { Tx } from '../shared/mutation.js';
import { toWorkflowSpec, workflowsRepository } from '../workflows/workflows.repository.js';

export interface AppliedRun {
  action: 'CREATED' | 'UNCHANGED';
  message: string;
  run: { id: string; number: number };
}

/**
 * Applying a WorkflowRun document queues a run of the workflow's current version (as
 * in Cyclone, where creating the object starts the run). The document's name is kept
 * with the run, so applying the same document again starts nothing; the same name
 * with other parameters or timeout is a CONFLICT, since a run cannot be changed.
 * Parameters are stored as [{name, value}] named `stages.<stage>.<param>` and
 * `resources.<resource>.<param>`.
 */
export async function applyWorkflowRun(
  tx: Tx,
  scope: { projectId: string; projectName: string; actorId: string },
  index: number,
  spec: WorkflowRunManifestSpec,
  kubeObjectName?: string,
): Promise<AppliedRun> {
  const field = (path: string) => `documents[${index}].spec.${path}`;
  const found = await workflowsRepository.findByName(tx, scope.projectId, spec.workflowRef);
  if (!found) {
    throw badInput(
      field('workflowRef.name'),
      `no Workflow "${spec.workflowRef}" in this file or in project "${scope.projectName}"`,
    );
  }
  await workflowsRepository.lock(tx, found.id);
  // Read again under the lock: a Workflow document of this apply may have added a version.
  const workflow = await tx.workflow.findUniqueOrThrow({ where: { id: found.id } });
  const version = await tx.workflowVersion.findUniqueOrThrow({
    where: { workflowId_version: { workflowId: workflow.id, version: workflow.currentVersion } },
    select: { id: true, spec: true },
  });
  const stageNames = new Set(toWorkflowSpec(version.spec).stages.map((s) => s.name));
  spec.stages.forEach((stage, i) => {
    if (!stageNames.has(stage.name)) {
      throw badInput(field(`stages[${i}].name`), `workflow "${workflow.name}" has no stage "${stage.name}"`);
    }
  });
  await assertResourcesExist(tx, scope.projectId, spec, field);
  const parameters = runParameters(spec, field);
  const timeoutSeconds = spec.timeout === undefined ? null : durationTextToMs(spec.timeout) / 1000;

  const existing = await tx.workflowRun.findUnique({
    where: { workflowId_name: { workflowId: workflow.id, name: spec.name } },
  });
  if (existing) {
    if (stableJson(existing.parameters) !== stableJson(parameters) || existing.timeoutSeconds !== timeoutSeconds) {
      throw conflict(
        `WorkflowRun "${spec.name}" is already run #${existing.number} of workflow "${workflow.name}" with other parameters or timeout; a run cannot be changed: give the document a new name to start another run`,
      );
    }
    return {
      action: 'UNCHANGED',
      message: `run #${existing.number} exists already (${existing.phase})`,
      run: { id: existing.id, number: existing.number },
    };
  }
  if (spec.executionCluster) {
    const { tenantId } = await tx.project.findUniqueOrThrow({
      where: { id: scope.projectId },
      select: { tenantId: true },
    });
    await requireExecutionCluster(tx, tenantId, spec.executionCluster, field('executionContext.cluster'));
  }
  const run = await createRunInTx(tx, workflow.id, {
    executionCluster: spec.executionCluster,
    name: spec.name,
    parameters,
    timeoutSeconds,
    createdById: scope.actorId,
    ...(spec.acceleration !== undefined ? { acceleration: spec.acceleration } : {}),
    serviceAccount: spec.serviceAccount,
    volumes: spec.volumes,
    ...(spec.startStages.length + spec.endStages.length > 0
      ? { selection: { startStages: spec.startStages, endStages: spec.endStages, field: `documents[${index}].spec` } }
      : {}),
  });
  // In the same transaction as the run, so the executor never makes a resource of its own for it.
  if (kubeObjectName) await tx.workflowRun.update({ where: { id: run.id }, data: { kubeObjectName } });
  return {
    action: 'CREATED',
    message: `run #${run.number} of workflow "${workflow.name}" (version ${workflow.currentVersion}) is queued`,
    run: { id: run.id, number: run.number },
  };
}

async function assertResourcesExist(
  tx: Tx,
  projectId: string,
  spec: WorkflowRunManifestSpec,
  field: (path: string) => string,
): Promise<void> {
  if (spec.resources.length === 0) return;
  const rows = await tx.resource.findMany({
    where: { projectId, name: { in: spec.resources.map((r) => r.name) } },
    select: { name: true },
  });
  const known = new Set(rows.map((r) => r.name));
  spec.resources.forEach((resource, i) => {
    if (!known.has(resource.name)) {
      throw badInput(field(`resources[${i}].name`), `no resource "${resource.name}" in this project`);
    }
  });
}

function runParameters(spec: WorkflowRunManifestSpec, field: (path: string) => string): NameValue[] {
  const out: NameValue[] = [];
  const seen = new Set<string>();
  const add = (prefix: 'stages' | 'resources', items: WorkflowRunManifestSpec['stages']) =>
    items.forEach((item, i) => {
      item.parameters.forEach((parameter, j) => {
        const name = `${prefix}.${item.name}.${parameter.name}`;
        if (seen.has(name)) {
          throw badInput(field(`${prefix}[${i}].parameters[${j}].name`), `"${parameter.name}" is given twice`);
        }
        seen.add(name);
        out.push({ name, value: parameter.value });
      });
    });
  add('stages', spec.stages);
  add('resources', spec.resources);
  spec.globalVariables.forEach((variable, i) => {
    const name = `variables.${variable.name}`;
    if (seen.has(name)) throw badInput(field(`globalVariables[${i}].name`), `"${variable.name}" is given twice`);
    seen.add(name);
    out.push({ name, value: variable.value });
  });
  return out;
}
