import { resourceSlots, type StageDefinition, type StageTemplateSpec, stageDefinitionSchema } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { projectObjectMutation } from '../shared/scoped-mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { fillStageTemplate } from '../templates/fill-stage-template.js';
import { overlayStageFields, type StageSpecFields, withoutNulls } from '../templates/stage-spec-fields.js';
import { loadStageDefinition, upsertStage } from './stages.repository.js';

const refSchema = z.object({ tenant: z.string(), project: z.string(), name: z.string() });
const stageMutation = projectObjectMutation('Stage');

export interface StageInputFields extends StageSpecFields {
  tenant: string;
  project: string;
  template?: string | null;
  arguments?: { name: string; value: string }[] | null;
}

/** Project stages (Cyclone's kind Stage), optionally made from a stage template. */
export class StageService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  create(user: AuthUser, input: StageInputFields) {
    const ref = parseInput(refSchema, input);
    return stageMutation(this.deps, user, 'stage.create', ref, async (tx, scope) => {
      if (await loadStageDefinition(tx, scope.projectId, ref.name)) {
        throw conflict(`stage "${ref.name}" already exists in project "${ref.project}"`);
      }
      const base = input.template ? await this.fromTemplate(tx, scope.tenantId, input) : undefined;
      const candidate = overlay(base, input);
      assertSlotsBound(candidate, input.template);
      const definition = parseInput(stageDefinitionSchema, candidate);
      await upsertStage(tx, scope, definition);
      return this.loadRow(tx, scope.projectId, ref.name);
    });
  }

  update(user: AuthUser, input: StageInputFields) {
    const ref = parseInput(refSchema, input);
    return stageMutation(this.deps, user, 'stage.update', ref, async (tx, scope) => {
      const current = await loadStageDefinition(tx, scope.projectId, ref.name);
      if (!current) throw notFound(`stage "${ref.name}" in project "${ref.project}"`);
      const definition = parseInput(stageDefinitionSchema, overlay(current, input));
      await upsertStage(tx, scope, definition);
      return this.loadRow(tx, scope.projectId, ref.name);
    });
  }

  delete(user: AuthUser, input: { tenant: string; project: string; name: string }) {
    const ref = parseInput(refSchema, input);
    return stageMutation(this.deps, user, 'stage.delete', ref, async (tx, scope) => {
      const row = await tx.stage.findUnique({
        where: { projectId_name: { projectId: scope.projectId, name: ref.name } },
      });
      if (!row) throw notFound(`stage "${ref.name}" in project "${ref.project}"`);
      const workflows = await findWorkflowsUsingStage(tx, scope.projectId, ref.name);
      if (workflows.length > 0) {
        throw conflict(
          `stage "${ref.name}" is used by the current version of workflow ${workflows.join(', ')}; change those first`,
        );
      }
      await tx.stage.delete({ where: { id: row.id } });
      return true;
    });
  }

  async get(user: AuthUser, tenant: string, project: string, name: string) {
    const access = await requireProject(this.deps.db, user, tenant, project, 'VIEWER');
    return this.deps.db.stage.findUnique({ where: { projectId_name: { projectId: access.project.id, name } } });
  }

  private async fromTemplate(tx: Tx, tenantId: string, input: StageInputFields): Promise<StageTemplateSpec> {
    const name = input.template as string;
    const { spec } = await fillStageTemplate(tx, tenantId, name, input.arguments ?? [], {
      template: 'input.template',
      arguments: 'input.arguments',
    });
    return { ...spec, template: name };
  }

  private loadRow(tx: Tx, projectId: string, name: string) {
    return tx.stage.findUniqueOrThrow({ where: { projectId_name: { projectId, name } } });
  }
}

/**
 * A template's typed resource slots (`- type: Git`) are bound by the stage's own
 * `inputs.resources` / `outputs.resources`, which replace the template's list; a slot
 * left unbound is refused, naming what the template expects.
 */
function assertSlotsBound(candidate: Record<string, unknown>, template: string | null | undefined): void {
  const slot = resourceSlots(candidate as Parameters<typeof resourceSlots>[0])[0];
  if (!slot) return;
  const side = slot.field.startsWith('inputs') ? 'inputs' : 'outputs';
  const where = slot.path === undefined ? '' : ` at ${slot.path}`;
  const example = slot.path === undefined ? '{name}' : `{name, path: "${slot.path}"}`;
  throw badInput(
    `input.${side}.resources`,
    `template "${template}" ${side === 'inputs' ? 'takes' : 'produces'} a ${slot.type} resource${where}: give ${side}.resources with the project's resource, e.g. [${example}]`,
  );
}

/** Fields given override the base (a filled template or the stored stage); null clears workingDir. */
function overlay(
  base: StageDefinition | StageTemplateSpec | undefined,
  input: StageInputFields,
): Record<string, unknown> {
  return {
    ...base,
    ...overlayStageFields(base, input),
    inputs: input.inputs ? { ...base?.inputs, ...withoutNulls(input.inputs) } : base?.inputs,
  };
}

/** Workflows whose current version has a stage of that name (versions hold stage snapshots). */
async function findWorkflowsUsingStage(tx: Tx, projectId: string, name: string): Promise<string[]> {
  const probe = JSON.stringify([{ name }]);
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT w.name FROM workflows w
    JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
    WHERE w.project_id = ${projectId}::uuid AND v.spec->'stages' @> ${probe}::jsonb
    ORDER BY w.name`;
  return rows.map((r) => r.name);
}
