import { stageDefinitionSchema } from '@cyclone/domain';
import type { KubernetesObject } from '@cyclone/k8s';
import type { Db } from '../db/prisma.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { RESOURCE_INCLUDE, toResourceSpec } from '../modules/resources/resources.repository.js';
import { toTriggerSpec } from '../modules/triggers/triggers.repository.js';
import { toWorkflowSpec } from '../modules/workflows/workflows.repository.js';
import {
  type DesiredObject,
  integrationSecret,
  projectObject,
  resourceObject,
  stageObject,
  triggerObject,
  workflowObjects,
} from './cyclone-objects.js';
import type { SyncObjectType } from './labels.js';
import { buildTenantObjects, type TenantRowForSync, tenantNamespace } from './tenant-objects.js';

/** Objects applied together and reported as one sync state (the first is the main one). */
export interface SyncGroup {
  type: SyncObjectType;
  id: string;
  tenantId: string | null;
  sourceUpdatedAt: Date;
  objects: DesiredObject[];
  /** Objects that must not exist, e.g. a quota that was removed. */
  absent: KubernetesObject[];
  /** Why the group could not be built (it is then not applied, and not pruned). */
  buildError?: string;
}

/** A tenant's KUBERNETES integration: a worker cluster to register. */
export interface ClusterRegistration {
  integrationId: string;
  integration: string;
  description: string;
  server: string | undefined;
  tenant: TenantRowForSync;
  kubeconfig: string | undefined;
  updatedAt: Date;
}

export interface DesiredState {
  groups: SyncGroup[];
  clusters: ClusterRegistration[];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads every tenant's objects and says what Kubernetes should hold for them. */
export async function loadDesiredState(
  db: Db,
  box: SecretBox,
  instance: string,
  egressDeny: readonly string[] = [],
): Promise<DesiredState> {
  const tenants = await db.tenant.findMany({
    orderBy: { name: 'asc' },
    include: {
      integrations: { orderBy: { name: 'asc' } },
      projects: {
        orderBy: { name: 'asc' },
        include: {
          resources: { orderBy: { name: 'asc' }, include: RESOURCE_INCLUDE },
          stages: { orderBy: { name: 'asc' } },
          workflows: { orderBy: { name: 'asc' }, include: { triggers: { orderBy: { name: 'asc' } } } },
        },
      },
    },
  });
  const workflows = tenants.flatMap((t) => t.projects.flatMap((p) => p.workflows));
  const versions =
    workflows.length === 0
      ? []
      : await db.workflowVersion.findMany({
          where: { OR: workflows.map((w) => ({ workflowId: w.id, version: w.currentVersion })) },
          select: { workflowId: true, spec: true },
        });
  const specOf = new Map(versions.map((v) => [v.workflowId, v.spec]));

  const groups: SyncGroup[] = [];
  const clusters: ClusterRegistration[] = [];
  for (const tenant of tenants) {
    const namespace = tenantNamespace(tenant.name);
    const tenantObjects = buildTenantObjects(tenant, { instance, egressDeny });
    groups.push({
      type: 'tenant',
      id: tenant.id,
      tenantId: tenant.id,
      sourceUpdatedAt: tenant.updatedAt,
      objects: tenantObjects.objects.map((object) => ({ object })),
      absent: tenantObjects.absent,
    });
    const group = (
      type: SyncObjectType,
      row: { id: string; updatedAt: Date },
      build: () => DesiredObject[],
    ): SyncGroup => {
      const base = { type, id: row.id, tenantId: tenant.id, sourceUpdatedAt: row.updatedAt, absent: [] };
      try {
        return { ...base, objects: build() };
      } catch (error) {
        return { ...base, objects: [], buildError: errorText(error) };
      }
    };
    for (const project of tenant.projects) {
      const scope = { instance, namespace, owner: { tenant: tenant.name, project: project.name } };
      groups.push(group('project', project, () => [projectObject(project, scope)]));
      for (const row of project.resources) {
        groups.push(group('resource', row, () => [resourceObject(row.id, toResourceSpec(row), scope)]));
      }
      for (const row of project.stages) {
        groups.push(group('stage', row, () => [stageObject(row.id, stageDefinitionSchema.parse(row.spec), scope)]));
      }
      for (const row of project.workflows) {
        groups.push(group('workflow', row, () => workflowObjects(row, toWorkflowSpec(specOf.get(row.id)), scope)));
        for (const trigger of row.triggers) {
          groups.push(
            group('trigger', trigger, () => [triggerObject(trigger.id, toTriggerSpec(trigger), row.name, scope)]),
          );
        }
      }
    }
    for (const row of tenant.integrations) {
      const scope = { instance, namespace, owner: { tenant: tenant.name } };
      let secret: Record<string, string> | undefined;
      groups.push(
        group('integration', row, () => {
          secret = box.openJson(row.secretCiphertext);
          return [integrationSecret(row, secret, scope)];
        }),
      );
      if (row.type === 'KUBERNETES') {
        const config = (row.config ?? {}) as { server?: unknown };
        clusters.push({
          integrationId: row.id,
          integration: row.name,
          description: row.description,
          server: typeof config.server === 'string' ? config.server : undefined,
          tenant,
          kubeconfig: secret?.kubeconfig,
          updatedAt: row.updatedAt,
        });
      }
    }
  }
  return { groups, clusters };
}
