import type { StageDefinition } from '@cyclone/domain';
import { parseManifests, printManifests, splitWorkflow } from '@cyclone/manifests';
import type { Db } from '../../db/prisma.js';
import type { ApplyOptions } from '../../modules/manifests/manifests.service.js';
import { workflowsRepository } from '../../modules/workflows/workflows.repository.js';
import { type IntakeObject, toCycloneDocument, toObjectPath } from './intake-rules.js';

export type IntakeRequest = { yaml: string; options: ApplyOptions } | { reason: string; error: string };

interface Target {
  project: string;
  name: string;
  workflow?: string;
  isWorkflowStage?: boolean;
}

/**
 * What to apply for one changed resource. Most are their own document (JSON is
 * YAML). A Workflow keeps its own stages (the mirrored `<project>.<workflow>.<stage>`
 * definitions of its current version) unless the project has stages of those names
 * in the apply; a workflow's own Stage is applied as its Workflow with that stage's
 * new definition, so it never becomes a project stage. A WorkflowRun's run adopts
 * the resource.
 */
export async function intakeRequest(
  db: Db,
  object: IntakeObject,
  tenant: string,
  target: Target,
): Promise<IntakeRequest> {
  const document = toCycloneDocument(object, target);
  const yaml = JSON.stringify(document);
  if (object.kind === 'WorkflowRun') return { yaml, options: { runObjectName: object.metadata?.name } };
  if (object.kind !== 'Workflow' && !target.isWorkflowStage) return { yaml, options: {} };

  const workflowName = target.isWorkflowStage ? (target.workflow as string) : target.name;
  const row = await db.workflow.findFirst({
    where: { name: workflowName, project: { name: target.project, tenant: { name: tenant } } },
  });
  if (!row) {
    if (object.kind === 'Workflow') return { yaml, options: {} };
    return { reason: 'NotFound', error: `metadata.name: no workflow "${workflowName}" in project "${target.project}"` };
  }
  const { workflow: graph, stages } = splitWorkflow(row.name, await workflowsRepository.currentSpec(db, row));
  const ownStages = new Map<string, StageDefinition>(stages.map((s) => [s.name, s]));
  if (object.kind === 'Workflow') return { yaml, options: { stageDefinitions: ownStages } };

  if (!ownStages.has(target.name)) {
    return { reason: 'NotFound', error: `metadata.name: workflow "${workflowName}" has no stage "${target.name}"` };
  }
  const parsed = parseManifests(yaml);
  const stage = parsed.documents[0];
  if (parsed.errors.length > 0 || stage?.kind !== 'Stage') {
    const first = parsed.errors[0];
    return { reason: 'Invalid', error: first ? `${toObjectPath(first.path)}: ${first.message}` : 'spec: not a stage' };
  }
  if (stage.template)
    return { reason: 'Invalid', error: "metadata.labels: a workflow's stage is not a stage template" };
  ownStages.set(target.name, stage.spec);
  return { yaml: printManifests([{ kind: 'Workflow', spec: graph }]), options: { stageDefinitions: ownStages } };
}
