import type { WorkflowSpec } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { conflict, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { ACTIVE_RUN_PHASES } from '../projects/active-runs.js';
import { requireProject } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { applyRunSettings, parseRunSettings, type RunSettingsInput } from './run-settings.js';
import { toWorkflowSpec, type WorkflowInputShape } from './workflows.inputs.js';
import { workflowsRepository as repo, type WorkflowRow } from './workflows.repository.js';
import { assertNoChildCycle, assertResourcesExist, assertValidGraph, inputFieldNames } from './workflows.rules.js';

/** Workflows and their immutable versions: DEVELOPERs and up write them. */
export class WorkflowsService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  createWorkflow(actor: AuthUser, input: WorkflowInputShape & RunSettingsInput): Promise<WorkflowRow> {
    const subject = { action: 'workflow.create', objectType: 'Workflow', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const { name, spec } = toWorkflowSpec(input);
      const settings = parseRunSettings(input);
      assertValidGraph(spec, inputFieldNames());
      await assertResourcesExist(tx, project.id, spec, inputFieldNames());
      await assertNoChildCycle(tx, project.id, name, spec, inputFieldNames());
      if (await repo.findByName(tx, project.id, name)) {
        throw conflict(`workflow "${name}" already exists in project "${project.name}"; use updateWorkflow`);
      }
      const { workflow } = await repo.saveVersion(tx, project.id, name, spec, actor.id);
      return applyRunSettings(tx, workflow, settings, tenant.id);
    });
  }

  /** A new version when the spec differs from the current one; an identical spec changes nothing. */
  updateWorkflow(actor: AuthUser, input: WorkflowInputShape & RunSettingsInput): Promise<WorkflowRow> {
    const subject = { action: 'workflow.update', objectType: 'Workflow', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const { name, spec: given } = toWorkflowSpec(input);
      const settings = parseRunSettings(input);
      const current = await repo.findByName(tx, project.id, name);
      if (!current) throw notFound(`workflow "${name}" in project "${project.name}"`);
      const spec = await keepOmittedSettings(tx, current, input, given);
      assertValidGraph(spec, inputFieldNames());
      await assertResourcesExist(tx, project.id, spec, inputFieldNames());
      await assertNoChildCycle(tx, project.id, name, spec, inputFieldNames());
      const { workflow } = await repo.saveVersion(tx, project.id, name, spec, actor.id);
      return applyRunSettings(tx, workflow, settings, tenant.id);
    });
  }

  /**
   * Deletes a workflow with its versions, triggers and finished runs. Refused with
   * CONFLICT while a run is PENDING, RUNNING or WAITING (the policy of ProjectsService.delete).
   */
  deleteWorkflow(actor: AuthUser, input: { tenant: string; project: string; name: string }): Promise<boolean> {
    const subject = { action: 'workflow.delete', objectType: 'Workflow', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const workflow = await repo.findByName(tx, project.id, input.name);
      if (!workflow) throw notFound(`workflow "${input.name}" in project "${project.name}"`);
      // The row lock makes a run being created meanwhile either visible here or fail afterwards.
      await repo.lock(tx, workflow.id);
      const active = await repo.findActiveRuns(tx, workflow.id, ACTIVE_RUN_PHASES);
      if (active.length > 0) {
        const named = active.map((run) => `#${run.number} (${run.phase})`).join(', ');
        throw conflict(
          `workflow "${workflow.name}" has active runs: ${named}; stop them or wait until they finish, then delete again`,
        );
      }
      await repo.delete(tx, workflow.id);
      return true;
    });
  }
}

/**
 * Workflow-wide settings an update leaves out (undefined) stay as they are, so a client
 * that does not know them (an older editor) keeps them; null clears them.
 */
async function keepOmittedSettings(
  tx: Tx,
  current: WorkflowRow,
  input: WorkflowInputShape,
  given: WorkflowSpec,
): Promise<WorkflowSpec> {
  if (input.resources !== undefined && input.acceleration !== undefined) return given;
  const stored = await repo.currentSpec(tx, current);
  const resources = input.resources === undefined ? stored.resources : given.resources;
  const acceleration = input.acceleration === undefined ? stored.acceleration : given.acceleration;
  const { resources: _resources, acceleration: _acceleration, ...rest } = given;
  return { ...rest, ...(resources ? { resources } : {}), ...(acceleration ? { acceleration } : {}) };
}
