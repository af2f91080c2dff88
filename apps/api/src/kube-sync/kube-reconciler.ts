import {
  apiMessageOf,
  apiStatusOf,
  applyObject,
  CYCLONE_API_VERSION,
  deleteObject,
  forgetDiscovery,
  type KubeClients,
  type KubernetesObject,
} from '@cyclone/k8s';
import type { KubernetesConfig } from '../config/config.js';
import { WakeableReconciler } from '../controller/controller.js';
import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { syncClusters } from './cluster-registration.js';
import { loadDesiredState, type SyncGroup } from './desired-state.js';
import type { GitopsIntake } from './intake/gitops-intake.js';
import { hasGitopsFinalizer } from './intake/intake-deletes.js';
import { idOf, type LiveObject, listLive, needsApply, objectKey, ownerKeyOf, typeOf } from './live-state.js';
import { type SyncRecord, syncKey, syncStateRepository } from './sync-state.repository.js';
import { TenantAccess } from './tenant-access.js';

export interface KubeReconcilerDeps {
  db: Db;
  logger: Logger;
  clients: KubeClients;
  box: SecretBox;
  /** egressDeny: CYCLONE_STAGE_EGRESS_DENY, kept from stage pods by the tenant NetworkPolicy. */
  config: Pick<KubernetesConfig, 'instance' | 'namespace'> & { egressDeny?: readonly string[] };
  /** Only the leader reconciles (controller role with several replicas); default: always. */
  isLeader?: () => boolean;
  /** Clients of a worker cluster from its kubeconfig (tests may substitute). */
  workerClients?: (kubeconfig: string) => KubeClients;
  /** GitOps intake: changes made in Kubernetes, taken before each pass mirrors the database. */
  intake?: GitopsIntake;
}

/** What one pass knows: live objects, uids of applied owners, keys wanted, ids not to prune. */
interface Pass {
  live: Map<string, LiveObject>;
  uids: Map<string, string>;
  wanted: Set<string>;
  protectedIds: Set<string>;
  /** Resources holding a change the intake could not decide yet: not overwritten this pass. */
  undecided: Set<string>;
}

/** The namespace a request about an object is authorized in (a Namespace's own name). */
const namespaceOf = (object: KubernetesObject) =>
  object.kind === 'Namespace' ? object.metadata?.name : object.metadata?.namespace;

export interface GroupOutcome {
  generation: number | null;
  error: string | null;
}

/**
 * Mirrors the database into the control cluster, level-triggered: every pass
 * reads the desired state from Postgres and the live objects of this
 * installation (by label), applies what differs with server-side apply (field
 * manager `cyclone`, force), deletes what has no row any more, and records a
 * sync state per object. A hand edit or delete is undone on the next pass.
 */
export class KubeReconciler extends WakeableReconciler {
  readonly name = 'kubernetes';
  private readonly access: TenantAccess;

  /** `wake()` asks for a pass now (e.g. on becoming the leader) instead of at the next resync. */
  constructor(private readonly deps: KubeReconcilerDeps) {
    super();
    this.access = new TenantAccess({ clients: deps.clients, instance: deps.config.instance });
  }

  protected async reconcileRound(): Promise<{ requeueAfterMs?: number }> {
    if (this.deps.isLeader && !this.deps.isLeader()) return {};
    const { db, box, config, clients } = this.deps;
    forgetDiscovery(clients.objects);
    // Kubernetes as an input first, so the mirror below writes back what was accepted.
    const undecided = await this.takeChanges();
    const desired = await loadDesiredState(db, box, config.instance, config.egressDeny);
    const live = await listLive(clients.objects, config.instance, {
      ownNamespace: config.namespace,
      // A namespace that cannot be bound is left out of this pass; its groups say why.
      onForbidden: (namespace) =>
        this.access.bind(namespace).catch((err: unknown) => {
          this.deps.logger.warn({ namespace, err: apiMessageOf(err) }, 'cannot bind the controller in a namespace');
          return false;
        }),
    });
    const states = await syncStateRepository.loadAll(db);
    const uids = new Map<string, string>();
    for (const [key, object] of live) if (object.metadata?.uid) uids.set(key, object.metadata.uid);

    const pass: Pass = { live, uids, wanted: new Set(), protectedIds: new Set(), undecided };
    const outcomes = new Map<SyncGroup, GroupOutcome>();
    for (const group of desired.groups) outcomes.set(group, await this.syncGroup(group, pass));
    const clusterOutcomes = await syncClusters({
      ...this.deps,
      desired,
      live,
      apply: (group) => this.syncGroup(group, pass),
    });
    const pruned = await this.prune(live, pass.wanted, pass.protectedIds);

    const records = [
      ...desired.groups.map((g) => this.toRecord(states, g, outcomes.get(g) as GroupOutcome)),
      ...clusterOutcomes.map((c) => this.toRecord(states, c.group, c.outcome)),
    ];
    for (const record of records) {
      await syncStateRepository.save(db, states.get(syncKey(record.objectType, record.objectId)), record);
    }
    await syncStateRepository.prune(db, states, new Set(records.map((r) => syncKey(r.objectType, r.objectId))));
    return pruned > 0 || clusterOutcomes.some((c) => c.isFinalizing) ? { requeueAfterMs: 1_000 } : {};
  }

  /** The intake's pass; when it fails as a whole the mirror still runs (as without intake). */
  private async takeChanges(): Promise<Set<string>> {
    if (!this.deps.intake) return new Set();
    try {
      return await this.deps.intake.takeChanges();
    } catch (err) {
      this.deps.logger.warn({ err: apiMessageOf(err) }, 'cannot take changes made in Kubernetes');
      return new Set();
    }
  }

  private async syncGroup(group: SyncGroup, pass: Pass): Promise<GroupOutcome> {
    const { live, uids, wanted } = pass;
    if (group.buildError) {
      // Its objects cannot be computed now: leave whatever exists alone.
      pass.protectedIds.add(group.id);
      return { generation: null, error: group.buildError };
    }
    const api = this.deps.clients.objects;
    let generation: number | null = null;
    let error: string | null = null;
    for (const [index, { object, owner }] of group.objects.entries()) {
      const key = objectKey(object);
      wanted.add(key);
      if (error) continue; // later objects may depend on the failed one; still kept from pruning
      if (pass.undecided.has(key)) continue;
      // Being deleted, held by the intake: left as it is (its owner references decide the
      // intake's verdict); once gone it is recreated if Cyclone still has it.
      if (isHeldByIntake(live.get(key))) continue;
      try {
        let body: KubernetesObject = object;
        const ownerUid = owner ? uids.get(ownerKeyOf(owner)) : undefined;
        if (owner) {
          if (!ownerUid) throw new Error(`its owner ${owner.kind} ${owner.name} is not in the cluster yet`);
          body = {
            ...object,
            metadata: {
              ...object.metadata,
              ownerReferences: [
                {
                  apiVersion: CYCLONE_API_VERSION,
                  kind: owner.kind,
                  name: owner.name,
                  uid: ownerUid,
                  controller: true,
                },
              ],
            },
          };
        }
        const current = live.get(key);
        const result =
          object.kind === 'Namespace' && !current
            ? await this.access.createNamespace(body)
            : needsApply(body, current, ownerUid)
              ? await this.inTenantNamespace(live, body, () => applyObject(api, body))
              : (current as LiveObject);
        if (result.metadata?.uid) uids.set(key, result.metadata.uid);
        if (index === 0) generation = result.metadata?.generation ?? null;
      } catch (err) {
        error = `${object.kind} ${object.metadata?.name}: ${apiMessageOf(err)}`;
      }
    }
    for (const object of group.absent) {
      try {
        await this.inTenantNamespace(live, object, () => deleteObject(api, object));
      } catch (err) {
        error ??= `${object.kind} ${object.metadata?.name}: ${apiMessageOf(err)}`;
      }
    }
    return { generation, error };
  }

  /** Deletes this installation's objects that nothing in the database asks for any more. */
  private async prune(live: Map<string, LiveObject>, wanted: Set<string>, protectedIds: Set<string>): Promise<number> {
    let count = 0;
    for (const [key, object] of live) {
      if (wanted.has(key) || protectedIds.has(idOf(object) ?? '')) continue;
      if (object.metadata?.deletionTimestamp) continue;
      // A cluster's kubeconfig stays until its ExecutionCluster's finalizer has used it.
      if (object.kind === 'Secret' && typeOf(object) === 'cluster') {
        const clusterStillThere = [...live.values()].some(
          (o) => o.kind === 'ExecutionCluster' && idOf(o) === idOf(object),
        );
        if (clusterStillThere) continue;
      }
      try {
        await this.inTenantNamespace(live, object, () => deleteObject(this.deps.clients.objects, object));
        count++;
      } catch (err) {
        this.deps.logger.warn({ object: key, err: apiMessageOf(err) }, 'cannot prune object');
      }
    }
    return count;
  }

  /**
   * A request in one of this installation's tenant namespaces; refused (403) because
   * the controller's RoleBinding there is gone (deleted by hand, or a namespace made
   * before bindings were), it binds the controller again and tries once more.
   */
  private async inTenantNamespace<T>(
    live: Map<string, LiveObject>,
    object: KubernetesObject,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const namespace = namespaceOf(object);
      if (apiStatusOf(err) !== 403 || !namespace || !live.has(`Namespace//${namespace}`)) throw err;
      if (!(await this.access.bind(namespace))) throw err;
      return request();
    }
  }

  private toRecord(states: Map<string, SyncRecord>, group: SyncGroup, outcome: GroupOutcome): SyncRecord {
    const previous = states.get(syncKey(group.type, group.id));
    return {
      objectType: group.type,
      objectId: group.id,
      tenantId: group.tenantId,
      phase: outcome.error ? 'ERROR' : 'SYNCED',
      generation: outcome.generation ?? previous?.generation ?? null,
      sourceUpdatedAt: outcome.error ? (previous?.sourceUpdatedAt ?? null) : group.sourceUpdatedAt,
      // When the object was last confirmed in sync (kept while nothing changes).
      syncedAt: outcome.error
        ? (previous?.syncedAt ?? null)
        : unchanged(previous, group, outcome)
          ? (previous?.syncedAt ?? new Date())
          : new Date(),
      lastError: outcome.error,
    };
  }
}

const isHeldByIntake = (object: LiveObject | undefined) =>
  object?.metadata?.deletionTimestamp !== undefined && hasGitopsFinalizer(object);

function unchanged(previous: SyncRecord | undefined, group: SyncGroup, outcome: GroupOutcome): boolean {
  return (
    previous?.phase === 'SYNCED' &&
    previous.generation === outcome.generation &&
    previous.sourceUpdatedAt?.getTime() === group.sourceUpdatedAt.getTime()
  );
}
