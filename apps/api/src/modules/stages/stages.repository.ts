import { type StageDefinition, stageDefinitionProblems, stageDefinitionSchema } from '@cyclone/domain';
import { badInput } from '../../errors/app-error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { stableJson, type UpsertOptions, type UpsertOutcome } from '../resources/resources.repository.js';
import type { Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';

/**
 * Creates or updates a project's stage (Cyclone's kind Stage) inside the caller's
 * transaction; the definition is stored whole as `spec`. Every resource the stage
 * takes or produces must exist in the project, so apply resources before stages.
 */
export async function upsertStage(
  tx: Tx,
  scope: { tenantId: string; projectId: string },
  definition: StageDefinition,
  options: UpsertOptions = {},
): Promise<UpsertOutcome> {
  const root = options.field ?? 'input';
  const spec = parseInput(stageDefinitionSchema, definition, root);
  const [problem] = stageDefinitionProblems(spec);
  if (problem) throw badInput(`${root}.${problem.path.join('.')}`, problem.message);
  await requireResources(tx, scope.projectId, spec, root);

  const existing = await tx.stage.findUnique({
    where: { projectId_name: { projectId: scope.projectId, name: spec.name } },
  });
  const template = spec.template ?? null;
  const json = spec as Prisma.InputJsonObject;
  if (!existing) {
    await tx.stage.create({ data: { projectId: scope.projectId, name: spec.name, spec: json, template } });
    return 'CREATED';
  }
  if (stableJson(existing.spec) === stableJson(spec) && existing.template === template) return 'UNCHANGED';
  await tx.stage.update({ where: { id: existing.id }, data: { spec: json, template } });
  return 'UPDATED';
}

/** One stage definition of a project, as stored. */
export async function loadStageDefinition(
  tx: Tx,
  projectId: string,
  name: string,
): Promise<StageDefinition | undefined> {
  const row = await tx.stage.findUnique({ where: { projectId_name: { projectId, name } }, select: { spec: true } });
  return row ? toStageDefinition(row.spec) : undefined;
}

/** Every stage definition of a project, by name. */
export async function listStageDefinitions(tx: Tx, projectId: string): Promise<StageDefinition[]> {
  const rows = await tx.stage.findMany({ where: { projectId }, select: { spec: true }, orderBy: { name: 'asc' } });
  return rows.map((row) => toStageDefinition(row.spec));
}

/** Stored specs were validated on the way in; parsing again fills defaults added since. */
export function toStageDefinition(spec: unknown): StageDefinition {
  return stageDefinitionSchema.parse(spec);
}

async function requireResources(tx: Tx, projectId: string, spec: StageDefinition, root: string): Promise<void> {
  const refs = [
    ...spec.inputs.resources.map((r, i) => ({ name: r.name, field: `${root}.inputs.resources[${i}].name` })),
    ...spec.outputs.resources.map((r, i) => ({ name: r.name, field: `${root}.outputs.resources[${i}].name` })),
  ];
  if (refs.length === 0) return;
  const rows = await tx.resource.findMany({
    where: { projectId, name: { in: refs.map((r) => r.name) } },
    select: { name: true },
  });
  const known = new Set(rows.map((r) => r.name));
  const missing = refs.find((r) => !known.has(r.name));
  if (missing) throw badInput(missing.field, `no resource "${missing.name}" in this project`);
}
