import { type StageDefinition, type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import { formatManifestError, joinWorkflow, type Manifest, parseManifests } from '@cyclone/manifests';
import { AppError } from '../../errors/app-error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { stableJson } from '../resources/resources.repository.js';
import type { ScmKind, ScmProvider } from '../scm/scm-provider.js';
import type { Tx } from '../shared/mutation.js';
import { loadStageDefinition } from '../stages/stages.repository.js';
import type { ScmEvent } from '../webhooks/scm-event.js';
import { normalizeSpec } from '../workflows/workflows.inputs.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import {
  assertNoChildCycle,
  assertResourcesExist,
  assertValidGraph,
  documentFieldNames,
} from '../workflows/workflows.rules.js';

/** The file a repository keeps its pipeline in. */
export const PIPELINE_FILE = '.cyclone.yaml';

/** Why a revision has no usable pipeline: recorded on the delivery and posted as the commit status. */
export class PipelineFileError extends Error {}

/** Where the pipeline file of an event's revision lives: the repository root; SVN: the branch or tag folder. */
export function pipelineFilePath(kind: ScmKind, event: Pick<ScmEvent, 'ref'>): string {
  if (kind !== 'SVN') return PIPELINE_FILE;
  const branch = /^refs\/heads\/(.+)$/.exec(event.ref)?.[1];
  const tag = /^refs\/tags\/(.+)$/.exec(event.ref)?.[1];
  if (tag) return `tags/${tag}/${PIPELINE_FILE}`;
  return !branch || branch === 'trunk' ? `trunk/${PIPELINE_FILE}` : `branches/${branch}/${PIPELINE_FILE}`;
}

/**
 * The text of `.cyclone.yaml` at the event's revision. A missing file is a
 * PipelineFileError; a server that cannot be reached throws its ScmError (the
 * delivery then fails and the server's redelivery tries again).
 */
export async function fetchPipelineFile(provider: ScmProvider, event: ScmEvent): Promise<string> {
  const path = pipelineFilePath(provider.kind, event);
  const text = await provider.getFile(event.repo, path, event.sha);
  if (text === undefined) throw new PipelineFileError(`${path} does not exist at ${event.sha}`);
  return text;
}

/**
 * Decodes a pipeline file the way applyManifests decodes Cyclone YAML: its Workflow
 * document (the one named like the workflow, or the only one) joined with the
 * file's Stage documents, falling back to the project's stages; then the same
 * schema, DAG and resource checks. Resources are never created from a revision:
 * the stages' resources must exist in the project. Other documents are ignored.
 */
export async function decodePipelineFile(
  tx: Tx,
  scope: { projectId: string; workflowName: string },
  text: string,
): Promise<WorkflowSpec> {
  const { documents, errors } = parseManifests(text);
  const first = errors[0];
  if (first) throw new PipelineFileError(`${PIPELINE_FILE}: ${formatManifestError(first)}`);
  const workflows = documents.flatMap((m, index) => (m.kind === 'Workflow' ? [{ index, manifest: m }] : []));
  const chosen =
    workflows.find((w) => w.manifest.spec.name === scope.workflowName) ??
    (workflows.length === 1 ? workflows[0] : undefined);
  if (!chosen) {
    throw new PipelineFileError(
      workflows.length === 0
        ? `${PIPELINE_FILE} has no Workflow document`
        : `${PIPELINE_FILE} has ${workflows.length} Workflow documents and none is named "${scope.workflowName}"`,
    );
  }
  const known = new Map<string, StageDefinition>();
  for (const m of documents) {
    if (m.kind === 'Stage' && !m.template) known.set(m.spec.name, m.spec);
  }
  const workflow = chosen.manifest as Extract<Manifest, { kind: 'Workflow' }>;
  for (const ref of workflow.spec.stages) {
    if (known.has(ref.name)) continue;
    const stored = await loadStageDefinition(tx, scope.projectId, ref.name);
    if (stored) known.set(ref.name, stored);
  }
  const { spec, missing } = joinWorkflow(workflow.spec, (name) => known.get(name));
  if (missing.length > 0) {
    const i = workflow.spec.stages.findIndex((s) => s.name === missing[0]);
    throw new PipelineFileError(
      `${PIPELINE_FILE}: documents[${chosen.index}].spec.stages[${i}].name: no Stage "${missing[0]}" in the file or in the project`,
    );
  }
  const parsed = workflowSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `.${issue.path.join('.')}` : '';
    throw new PipelineFileError(
      `${PIPELINE_FILE}: documents[${chosen.index}].spec${at}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const normalized = normalizeSpec(parsed.data);
  try {
    assertValidGraph(normalized, documentFieldNames(chosen.index));
    await assertResourcesExist(tx, scope.projectId, normalized, documentFieldNames(chosen.index));
    await assertNoChildCycle(tx, scope.projectId, scope.workflowName, normalized, documentFieldNames(chosen.index));
  } catch (error) {
    if (error instanceof AppError) throw new PipelineFileError(`${PIPELINE_FILE}: ${error.message}`);
    throw error;
  }
  return normalized;
}

/**
 * Stores a revision's workflow as a version marked with its repository and commit;
 * the workflow's current version stays what it was. A redelivery or a second
 * trigger on the same commit with the same spec reuses that version.
 */
export async function saveRevisionVersion(
  tx: Tx,
  workflowId: string,
  spec: WorkflowSpec,
  source: { repo: string; revision: string },
): Promise<string> {
  await workflowsRepository.lock(tx, workflowId);
  const same = await tx.workflowVersion.findMany({
    where: { workflowId, sourceRevision: source.revision, sourceRepo: source.repo },
    select: { id: true, spec: true },
  });
  const reused = same.find((v) => stableJson(v.spec) === stableJson(spec));
  if (reused) return reused.id;
  const version = await workflowsRepository.nextVersion(tx, workflowId);
  const created = await tx.workflowVersion.create({
    data: {
      workflowId,
      version,
      spec: spec as unknown as Prisma.InputJsonObject,
      createdById: null,
      sourceRepo: source.repo,
      sourceRevision: source.revision,
    },
  });
  return created.id;
}
