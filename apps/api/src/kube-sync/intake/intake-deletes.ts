import { type KubeClients, type KubernetesObject } from '@cyclone/k8s';
import type { Db } from '../../db/prisma.js';
import { AppError } from '../../errors/app-error.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { ResourceService } from '../../modules/resources/resources.service.js';
import type { StageService } from '../../modules/stages/stages.service.js';
import type { TriggersService } from '../../modules/triggers/triggers.service.js';
import type { WorkflowsService } from '../../modules/workflows/workflows.service.js';
import { crNames } from '../cyclone-objects.js';

/**
 * On a resource whose object the intake created: its deletion with kubectl waits until
 * the object is deleted in Cyclone too. Written by a field manager of its own, so the
 * mirror's applies (which do not list it) never take it away.
 */
export const GITOPS_FINALIZER = 'cyclone.dev/gitops-delete';
const GITOPS_MANAGER = 'cyclone-gitops';

/** The services that delete what a resource deleted with kubectl stood for (each audits as the service user). */
export interface IntakeDeleters {
  resources: Pick<ResourceService, 'delete'>;
  stages: Pick<StageService, 'delete'>;
  workflows: Pick<WorkflowsService, 'deleteWorkflow'>;
  triggers: Pick<TriggersService, 'deleteTrigger'>;
}

export interface OriginTarget {
  project: string;
  name: string;
  workflow?: string;
}

/** Resource keys (`<kind>/<namespace>/<name>`) of a tenant's objects the intake created. */
export async function loadOriginKeys(db: Db, tenant: string, namespace: string): Promise<Set<string>> {
  const projects = await db.project.findMany({
    where: { tenant: { name: tenant } },
    select: {
      name: true,
      resources: { where: { createdInKubernetes: true }, select: { name: true } },
      stages: { where: { createdInKubernetes: true }, select: { name: true } },
      workflows: {
        select: {
          name: true,
          createdInKubernetes: true,
          triggers: { where: { createdInKubernetes: true }, select: { name: true } },
        },
      },
    },
  });
  const keys = new Set<string>();
  const add = (kind: string, name: string) => keys.add(`${kind}/${namespace}/${name}`);
  for (const p of projects) {
    for (const r of p.resources) add('Resource', crNames.inProject(p.name, r.name));
    for (const s of p.stages) add('Stage', crNames.inProject(p.name, s.name));
    for (const w of p.workflows) {
      if (w.createdInKubernetes) add('Workflow', crNames.inProject(p.name, w.name));
      for (const t of w.triggers) add('WorkflowTrigger', crNames.inWorkflow(p.name, w.name, t.name));
    }
  }
  return keys;
}

/** Marks the object a resource made in the cluster created, so that deleting the resource deletes it. */
export async function rememberCreated(db: Db, tenant: string, kind: string, target: OriginTarget): Promise<void> {
  const project = { name: target.project, tenant: { name: tenant } };
  const where = { name: target.name, project };
  const data = { createdInKubernetes: true };
  if (kind === 'Resource') await db.resource.updateMany({ where, data });
  else if (kind === 'Stage') await db.stage.updateMany({ where, data });
  else if (kind === 'Workflow') await db.workflow.updateMany({ where, data });
  else if (kind === 'WorkflowTrigger') {
    await db.workflowTrigger.updateMany({
      where: { name: target.name, workflow: { name: target.workflow, project } },
      data,
    });
  }
}

export const hasGitopsFinalizer = (object: KubernetesObject) =>
  object.metadata?.finalizers?.includes(GITOPS_FINALIZER) ?? false;

/** Adds (or, with `isWanted` false, drops) the intake's finalizer: server-side apply of that field alone. */
export async function setGitopsFinalizer(
  clients: KubeClients,
  object: KubernetesObject,
  isWanted: boolean,
): Promise<void> {
  const body = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      finalizers: isWanted ? [GITOPS_FINALIZER] : [],
    },
  };
  await clients.objects.patch(body, undefined, undefined, GITOPS_MANAGER, true, 'application/apply-patch+yaml');
}

export type DeleteOutcome = 'DELETED' | 'KEPT' | { refused: string };

/**
 * Deletes in Cyclone what a resource deleted with kubectl stood for. `DELETED` (or
 * gone already) and `KEPT` (not for Cyclone to delete: forbidden to the service user)
 * release the resource; a refusal that may pass (active runs: CONFLICT) holds it, and
 * the next pass tries again.
 */
export async function deleteInCyclone(
  deleters: IntakeDeleters,
  actor: AuthUser,
  kind: string,
  tenant: string,
  target: OriginTarget,
): Promise<DeleteOutcome> {
  const ref = { tenant, project: target.project, name: target.name };
  try {
    if (kind === 'Resource') await deleters.resources.delete(actor, ref);
    else if (kind === 'Stage') await deleters.stages.delete(actor, ref);
    else if (kind === 'Workflow') await deleters.workflows.deleteWorkflow(actor, ref);
    else if (kind === 'WorkflowTrigger') {
      await deleters.triggers.deleteTrigger(actor, { ...ref, workflow: target.workflow as string });
    } else return 'KEPT';
    return 'DELETED';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'NOT_FOUND') return 'DELETED';
    if (err.code === 'CONFLICT') return { refused: err.message };
    return 'KEPT';
  }
}
