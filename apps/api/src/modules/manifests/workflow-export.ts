import { isBuiltinResourceType } from '@cyclone/domain';
import { type Manifest, printManifests, splitWorkflow } from '@cyclone/manifests';
import type { Db } from '../../db/prisma.js';
import { notificationDocumentOf } from '../notifications/notification-document.js';
import { toResourceTypeSpec } from '../resource-types/resource-types.repository.js';
import { listResourceSpecs } from '../resources/resources.repository.js';
import { toTriggerSpec } from '../triggers/triggers.repository.js';
import { type WorkflowRow, workflowsRepository } from '../workflows/workflows.repository.js';

/**
 * A workflow as Cyclone YAML: the resource types the tenant registered that its
 * resources have, the Resources its stages use, one Stage per stage (the
 * definitions of the current version), the Workflow (with its notifications) and its triggers. Applying the
 * text to any project recreates the same workflow, and exporting that gives the same text.
 */
export async function exportWorkflowYaml(db: Db, workflow: WorkflowRow): Promise<string> {
  const spec = await workflowsRepository.currentSpec(db, workflow);
  const { workflow: graph, stages } = splitWorkflow(workflow.name, spec);
  const used = new Set(stages.flatMap((s) => [...s.inputs.resources, ...s.outputs.resources].map((r) => r.name)));
  const [resources, triggers, notification] = await Promise.all([
    used.size > 0 ? listResourceSpecs(db, workflow.projectId) : Promise.resolve([]),
    db.workflowTrigger.findMany({ where: { workflowId: workflow.id }, orderBy: { name: 'asc' } }),
    notificationDocumentOf(db, workflow.id),
  ]);
  const usedResources = resources.filter((r) => used.has(r.name));
  const typeNames = [...new Set(usedResources.map((r) => r.type).filter((t) => !isBuiltinResourceType(t)))];
  const types =
    typeNames.length === 0
      ? []
      : await db.registeredResourceType.findMany({
          where: { type: { in: typeNames }, tenant: { projects: { some: { id: workflow.projectId } } } },
          orderBy: { type: 'asc' },
        });
  const manifests: Manifest[] = [
    ...types.map((row) => ({ kind: 'ResourceType' as const, spec: toResourceTypeSpec(row) })),
    ...usedResources.map((spec) => ({ kind: 'Resource' as const, spec })),
    ...stages.map((spec) => ({ kind: 'Stage' as const, spec })),
    {
      kind: 'Workflow',
      spec: {
        ...graph,
        ...(workflow.executionCluster ? { executionCluster: workflow.executionCluster } : {}),
        ...(notification ? { notification } : {}),
      },
    },
    ...triggers.map((row) => ({
      kind: 'WorkflowTrigger' as const,
      spec: toTriggerSpec(row),
      workflowRef: workflow.name,
    })),
  ];
  return printManifests(manifests);
}
