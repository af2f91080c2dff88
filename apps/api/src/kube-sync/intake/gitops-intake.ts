import {
  apiMessageOf,
  apiStatusOf,
  CYCLONE_API_VERSION,
  CYCLONE_GROUP,
  CYCLONE_VERSION,
  type KubeClients,
  LABELS,
  PatchStrategy,
  setHeaderOptions,
} from '@cyclone/k8s';
import type { Db } from '../../db/prisma.js';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { type AuthUser, normalizeEmail, toAuthUser } from '../../modules/identity/identity.service.js';
import type { AppliedObject, ManifestsService } from '../../modules/manifests/manifests.service.js';
import { tenantNamespaceSelector } from '../labels.js';
import { idOf, objectKey, typeOf } from '../live-state.js';
import { type SyncRecord, syncKey, syncStateRepository } from '../sync-state.repository.js';
import {
  deleteInCyclone,
  hasGitopsFinalizer,
  type IntakeDeleters,
  loadOriginKeys,
  rememberCreated,
  setGitopsFinalizer,
} from './intake-deletes.js';
import { intakeRequest } from './intake-request.js';
import {
  acceptedCondition,
  type Condition,
  INTAKE_KINDS,
  type IntakeObject,
  intakeTargetOf,
  isChangeToTake,
  toObjectPath,
} from './intake-rules.js';

export interface GitopsIntakeDeps {
  db: Db;
  logger: Logger;
  clients: KubeClients;
  instance: string;
  manifests: ManifestsService;
  /** CYCLONE_GITOPS_USER: the email of the user changes are applied as; undefined: intake off. */
  gitopsUser: string | undefined;
  /** Deletes objects whose resources, made in the cluster, were deleted there; without: deletes are not followed. */
  deleters?: IntakeDeleters;
  now?: () => Date;
}

/**
 * What became of one resource's change: its status (and, when the apply created
 * the object, where it went), or nothing yet (tried again next pass).
 */
type Outcome =
  | {
      condition: Condition;
      extra?: Record<string, unknown>;
      created?: { project: string; name: string; workflow?: string };
    }
  | { isPending: true };

/** One tenant namespace in a pass. */
interface NamespacePass {
  tenant: string;
  /**
   * Uids of its Cyclone resources not being deleted (owners still there), listed once
   * per pass when first asked: after the deleting objects were listed (see followDelete).
   */
  liveUids: () => Promise<Set<string>>;
  /** Keys of resources whose object the intake created (`created_in_kubernetes`). */
  origins: Set<string>;
  actorOf: () => Promise<AuthUser | null>;
}

const REASONS: Partial<Record<string, string>> = {
  BAD_USER_INPUT: 'Invalid',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'NotFound',
  CONFLICT: 'Conflict',
};

const pluralOf = (kind: string) => `${kind.toLowerCase()}s`;

/**
 * GitOps intake, Kubernetes as an input (docs/gitops.md): each pass lists the
 * Cyclone resources of this installation's tenant namespaces and takes every one a
 * field manager other than Cyclone's changed since the intake or the mirror last
 * saw it: converted to a Cyclone YAML document and applied like applyManifests
 * into its tenant and project, as the service user (audited as `gitops.apply`).
 * The outcome goes to the resource's status (`Accepted` condition and
 * `observedGeneration`), so a change is taken once, whatever restarts. Runs in the
 * mirror's pass, before it, on the leader only.
 */
export class GitopsIntake {
  constructor(private readonly deps: GitopsIntakeDeps) {}

  /** Takes the pending changes; returns the keys of resources left undecided (the mirror leaves them be). */
  async takeChanges(): Promise<Set<string>> {
    const { clients, instance, db } = this.deps;
    const pending = new Set<string>();
    const namespaces = await clients.objects.list(
      'v1',
      'Namespace',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      tenantNamespaceSelector(instance),
    );
    const states = await syncStateRepository.loadAll(db);
    let actor: AuthUser | null | undefined;
    const tenants = namespaces.items.flatMap((ns) => {
      const tenant = ns.metadata?.labels?.[LABELS.tenant];
      return ns.metadata?.name && tenant ? [{ namespace: ns.metadata.name, tenant }] : [];
    });
    const actorOf = async () => {
      actor ??= await this.loadActor();
      return actor;
    };
    for (const { namespace, tenant } of tenants) {
      // Listed namespace by namespace: the controller may list WorkflowRuns only in tenant namespaces.
      const listed = new Map<string, IntakeObject[]>();
      for (const kind of INTAKE_KINDS) listed.set(kind, await this.list(kind, namespace));
      const origins = await loadOriginKeys(db, tenant, namespace);
      let live: Promise<Set<string>> | undefined;
      const liveUids = () => {
        live ??= this.liveUidsIn(namespace);
        return live;
      };
      const ns: NamespacePass = { tenant, liveUids, origins, actorOf };
      for (const kind of INTAKE_KINDS) {
        for (const object of listed.get(kind) ?? []) {
          if (object.metadata?.deletionTimestamp) await this.followDelete(object, ns);
          else await this.consider(object, ns, states, pending);
        }
      }
    }
    return pending;
  }

  private async liveUidsIn(namespace: string): Promise<Set<string>> {
    const uids = new Set<string>();
    for (const kind of ['Project', ...INTAKE_KINDS]) {
      for (const object of await this.list(kind, namespace)) {
        if (!object.metadata?.deletionTimestamp && object.metadata?.uid) uids.add(object.metadata.uid);
      }
    }
    return uids;
  }

  private async list(kind: string, namespace: string): Promise<IntakeObject[]> {
    try {
      const { items } = await this.deps.clients.objects.list<IntakeObject>(CYCLONE_API_VERSION, kind, namespace);
      return items.map((item) => ({ ...item, kind, apiVersion: CYCLONE_API_VERSION }));
    } catch (err) {
      // A namespace whose RoleBinding is gone: the mirror binds it again; taken on a later pass.
      if (apiStatusOf(err) === 403) return [];
      throw err;
    }
  }

  private async consider(
    object: IntakeObject,
    ns: NamespacePass,
    states: Map<string, SyncRecord>,
    pending: Set<string>,
  ): Promise<void> {
    const key = objectKey(object);
    const isWorkflowStage = object.kind === 'Stage' && typeOf(object) === 'workflow';
    // The mirror's generation is recorded for a group's main resource, not a workflow's stages.
    const state = isWorkflowStage ? undefined : states.get(syncKey(typeOf(object) ?? '', idOf(object) ?? ''));
    if (isChangeToTake(object, state?.generation ?? undefined)) {
      const outcome = await this.take(object, ns.tenant, await ns.actorOf());
      if ('isPending' in outcome) {
        pending.add(key);
        return;
      }
      await this.writeStatus(object, outcome).catch((err: unknown) => {
        this.deps.logger.warn({ object: key, err: apiMessageOf(err) }, 'cannot write intake status');
      });
      if (outcome.created && this.deps.deleters) {
        await rememberCreated(this.deps.db, ns.tenant, object.kind as string, outcome.created);
        ns.origins.add(key);
      }
    }
    // Made in the cluster: its deletion there is to be followed (level-triggered, so also after a failure).
    if (ns.origins.has(key) && !hasGitopsFinalizer(object) && this.deps.deleters) {
      await setGitopsFinalizer(this.deps.clients, object, true).catch((err: unknown) => {
        this.deps.logger.warn({ object: key, err: apiMessageOf(err) }, 'cannot add the GitOps finalizer');
      });
    }
  }

  /**
   * A resource deleted in the cluster that holds the intake's finalizer: its object is
   * deleted in Cyclone when the intake created it and the deletion was the resource's
   * own (its owners are still there: not the garbage collector following a deleted
   * Project or Workflow, which the mirror puts back). Then, or when it is not for
   * Cyclone to delete, the finalizer goes; a refusal that may pass (active runs) keeps it.
   */
  private async followDelete(object: IntakeObject, ns: NamespacePass): Promise<void> {
    if (!hasGitopsFinalizer(object)) return;
    const key = objectKey(object);
    const target = intakeTargetOf(object);
    const actor = await ns.actorOf();
    // The owners are listed after the deleting object was: an owner whose deletion made
    // the collector delete it is then seen deleting, gone or made again with a new uid.
    // Listed before (in the same pass), a Project deleted in between still looked live
    // and its Resource's deletion passed for the Resource's own.
    const isOwnDeletion = async () => {
      const live = await ns.liveUids();
      return (object.metadata?.ownerReferences ?? []).every((r) => live.has(r.uid));
    };
    if (actor && this.deps.deleters && !('error' in target) && ns.origins.has(key) && (await isOwnDeletion())) {
      const outcome = await deleteInCyclone(this.deps.deleters, actor, object.kind as string, ns.tenant, target);
      if (typeof outcome === 'object') {
        const condition = acceptedCondition(
          false,
          'DeleteRefused',
          outcome.refused,
          object.metadata?.generation,
          this.now(),
        );
        const previous = object.status?.conditions?.find((c) => c.type === 'Accepted');
        if (previous?.message !== condition.message) await this.writeStatus(object, { condition });
        return;
      }
    }
    await setGitopsFinalizer(this.deps.clients, object, false);
  }

  private async loadActor(): Promise<AuthUser | null> {
    const email = this.deps.gitopsUser;
    if (!email) return null;
    const user = await this.deps.db.user.findUnique({ where: { email: normalizeEmail(email) } });
    return user && !user.disabledAt ? toAuthUser(user) : null;
  }

  private async take(object: IntakeObject, tenant: string, actor: AuthUser | null): Promise<Outcome> {
    const generation = object.metadata?.generation;
    const refuse = (reason: string, message: string): Outcome => ({
      condition: acceptedCondition(false, reason, message, generation, this.now()),
    });
    if (!this.deps.gitopsUser) {
      return refuse('IntakeDisabled', 'not taken: CYCLONE_GITOPS_USER is not set, so Cyclone keeps its own version');
    }
    if (!actor) {
      return refuse('ServiceUserMissing', `not taken: no active user ${this.deps.gitopsUser} (CYCLONE_GITOPS_USER)`);
    }
    const target = intakeTargetOf(object);
    if ('error' in target) return refuse('Invalid', `${target.field}: ${target.error}`);
    try {
      const request = await intakeRequest(this.deps.db, object, tenant, target);
      if ('error' in request) return refuse(request.reason, request.error);
      const applied = await this.deps.manifests.applyManifests(
        actor,
        { tenant, project: target.project, yaml: request.yaml },
        {
          ...request.options,
          audit: {
            action: 'gitops.apply',
            objectType: object.kind as string,
            objectName: `${object.metadata?.namespace}/${object.metadata?.name}`,
          },
        },
      );
      return { ...this.accepted(object, applied), ...(this.isCreated(applied) ? { created: target } : {}) };
    } catch (err) {
      if (err instanceof AppError && REASONS[err.code]) {
        return refuse(REASONS[err.code] as string, toObjectPath(err.message));
      }
      // Not the document's fault (e.g. the database is away): tried again on the next pass.
      this.deps.logger.warn({ object: objectKey(object), err }, 'cannot take a change from Kubernetes');
      return { isPending: true };
    }
  }

  /** Whether the apply created the resource's own object (not a run: runs are not deleted). */
  private isCreated(applied: AppliedObject[]): boolean {
    return applied.some((a) => a.action === 'CREATED' && a.target !== 'WORKFLOW_RUN');
  }

  private accepted(object: IntakeObject, applied: AppliedObject[]): Exclude<Outcome, { isPending: true }> {
    const generation = object.metadata?.generation;
    const message = applied
      .map((a) => `${a.kind} "${a.name}" ${a.action.toLowerCase()}${a.message ? `: ${a.message}` : ''}`)
      .join('; ');
    const run = applied.find((a) => a.run)?.run;
    const previous = object.status?.conditions?.find((c) => c.type === 'Accepted');
    // Nothing new to take (e.g. what the mirror put back): the last verdict stands.
    if (previous && applied.every((a) => a.action === 'UNCHANGED') && !run) {
      return { condition: { ...previous, observedGeneration: generation } };
    }
    return {
      condition: acceptedCondition(true, 'Applied', message, generation, this.now()),
      ...(run ? { extra: { runId: run.id, runNumber: run.number } } : {}),
    };
  }

  private async writeStatus(
    object: IntakeObject,
    outcome: { condition: Condition; extra?: Record<string, unknown> },
  ): Promise<void> {
    await this.deps.clients.customObjects.patchNamespacedCustomObjectStatus(
      {
        group: CYCLONE_GROUP,
        version: CYCLONE_VERSION,
        namespace: object.metadata?.namespace as string,
        plural: pluralOf(object.kind as string),
        name: object.metadata?.name as string,
        body: {
          status: {
            observedGeneration: object.metadata?.generation,
            conditions: [outcome.condition],
            ...outcome.extra,
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
