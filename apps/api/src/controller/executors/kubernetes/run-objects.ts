import { setTimeout as sleep } from 'node:timers/promises';
import { apiMessageOf, apiStatusOf, CYCLONE_GROUP, CYCLONE_VERSION, KUBE_PATHS, type KubeClients } from '@cyclone/k8s';
import type { PlainSql } from '../../../db/plain-sql.js';
import type { Db } from '../../../db/prisma.js';
import { tenantNamespace } from '../../../kube-sync/tenant-objects.js';
import { readWorkflowVersion } from '../../../modules/workflows/workflow-versions.js';
import { withWorkflowResources } from '../stage-limits.js';
import type { ClusterLane } from './cluster-lanes.js';
import { workflowRunName, workspaceClaimName } from './names.js';
import type { RunObjectNames } from './pod-spec.js';
import { buildWorkflowRunCr } from './workflow-run-cr.js';

export const WORKFLOW_RUN_PLURAL = 'workflowruns';

/**
 * How long a run's first start waits for its tenant's namespace and the
 * controller's rights there: the mirror makes them right after the tenant is
 * created (woken by the database), or on its resync (30 s) if that wake-up was
 * missed, so twice the resync covers both before the start is given up.
 */
const NAMESPACE_WAIT_MS = 60_000;
const NAMESPACE_POLL_MS = 500;

/** What the executor knows of a run: where its objects live and what its stages declare. */
export interface RunContext {
  /** Where its pods, claim and Secrets are (the WorkflowRun resource is always in the control cluster). */
  lane: ClusterLane;
  namespace: string;
  names: RunObjectNames;
  number: number;
  stages: Map<
    string,
    { image: string; podSpecExtras?: Record<string, unknown>; outputArtifacts: readonly { name: string }[] }
  >;
  isShared: boolean;
  /** The tenant's Pod Security level when the run's first pod was made (its namespace enforces it). */
  podSecurity: 'RESTRICTED' | 'BASELINE';
  /** uid of the WorkflowRun resource once it exists. */
  uid?: Promise<string>;
  claim?: Promise<void>;
}

interface RunRow {
  number: number;
  executionCluster: string | null;
  kubeObjectName: string | null;
  versionId: string;
  workflow: string;
  project: string;
  tenant: string;
  podSecurity: RunContext['podSecurity'];
}

/** Requests that change the cluster, by kind of object (the bench reads them). */
export class WriteCounter {
  total = 0;
  readonly byKind: Record<string, number> = {};

  count(kind: string): void {
    this.total += 1;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }
}

/**
 * The run-level objects of the Kubernetes executor: the run's context (read once per
 * process from its immutable version), its WorkflowRun resource (the owner of every
 * pod, claim and Secret of the run) and its shared workspace claim.
 */
export class RunObjects {
  private readonly runs = new Map<string, RunContext>();

  constructor(
    private readonly deps: {
      /** Reads the version on a miss of the process's cache of versions. */
      db: Pick<Db, '$queryRaw'>;
      /** Reads the run's names. */
      sql: PlainSql;
      clients: KubeClients;
      instance: string;
      writes: WriteCounter;
      /** The cluster of a run: its tenant's worker cluster named `executionCluster`, else the control cluster. */
      laneOf: (tenant: string, executionCluster: string | null) => Promise<ClusterLane>;
      workspaceSize?: string;
      storageClassName?: string;
    },
  ) {}

  known(runId: string): RunContext | undefined {
    return this.runs.get(runId);
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  async context(runId: string): Promise<RunContext> {
    const known = this.runs.get(runId);
    if (known) return known;
    // One statement (a nested Prisma read was five, each compiled anew) and the
    // process's one cache of versions, which the run's passes already filled.
    const [row] = await this.deps.sql.rows<RunRow>(
      `SELECT r.number, r.execution_cluster AS "executionCluster", r.kube_object_name AS "kubeObjectName",
              r.version_id AS "versionId", w.name AS workflow, p.name AS project, t.name AS tenant,
              t.pod_security::text AS "podSecurity"
       FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
         JOIN tenants t ON t.id = p.tenant_id
       WHERE r.id = $1::uuid`,
      [runId],
    );
    if (!row) throw new Error(`run ${runId} not found`);
    const { spec } = await readWorkflowVersion(this.deps.db, { id: row.versionId });
    const tenant = row.tenant;
    const context: RunContext = {
      podSecurity: row.podSecurity,
      lane: await this.deps.laneOf(tenant, row.executionCluster),
      namespace: tenantNamespace(tenant),
      number: row.number,
      names: {
        tenant,
        project: row.project,
        workflow: row.workflow,
        // A run started by a WorkflowRun made with kubectl adopts that resource (docs/gitops.md).
        run: row.kubeObjectName ?? workflowRunName(row.workflow, row.number),
        instance: this.deps.instance,
      },
      stages: new Map(
        spec.stages.map((s) => [
          s.name,
          {
            image: s.image,
            podSpecExtras: withWorkflowResources(s.podSpecExtras, spec.resources),
            outputArtifacts: s.outputs?.artifacts ?? [],
          },
        ]),
      ),
      // One stage alone shares nothing: its pod gets a volume of its own and the run no claim.
      isShared: spec.stages.length > 1,
    };
    this.runs.set(runId, context);
    return context;
  }

  /** Creates the run's WorkflowRun resource once (the owner of its pods) and returns its uid. */
  ensureWorkflowRun(runId: string, run: RunContext): Promise<string> {
    run.uid ??= (async () => {
      const body = buildWorkflowRunCr(run.names, run.namespace, runId, run.number);
      const path = KUBE_PATHS.customObjects(this.target(run));
      const deadline = Date.now() + NAMESPACE_WAIT_MS;
      for (;;) {
        try {
          this.deps.writes.count('WorkflowRun');
          const created = await this.deps.clients.plain.create<{ metadata: { uid: string } }>(path, body);
          return created.metadata.uid;
        } catch (err) {
          const status = apiStatusOf(err);
          if (status === 409) return await this.liveUid(run);
          // No namespace yet (404), or no RoleBinding in it yet (403): a tenant made a moment ago.
          const isTenantNew = status === 404 || status === 403;
          if (!isTenantNew || Date.now() >= deadline) {
            throw new Error(`WorkflowRun ${run.names.run}: ${apiMessageOf(err)}`);
          }
          await sleep(NAMESPACE_POLL_MS);
        }
      }
    })();
    // A failed create is tried again by the next start.
    run.uid.catch(() => {
      run.uid = undefined;
    });
    return run.uid;
  }

  /** The uid of the run's existing WorkflowRun resource, or undefined when there is none. */
  async findWorkflowRun(run: RunContext): Promise<string | undefined> {
    try {
      return await this.liveUid(run);
    } catch (err) {
      if (apiStatusOf(err) !== 404) throw err;
      return undefined;
    }
  }

  target(run: RunContext) {
    return { group: CYCLONE_GROUP, version: CYCLONE_VERSION, namespace: run.namespace, plural: WORKFLOW_RUN_PLURAL };
  }

  private async liveUid(run: RunContext): Promise<string> {
    const live = (await this.deps.clients.customObjects.getNamespacedCustomObject({
      ...this.target(run),
      name: run.names.run,
    })) as { metadata: { uid: string } };
    return live.metadata.uid;
  }

  /**
   * The run's shared workspace claim, created once per process (an existing one is
   * kept). Owned by the WorkflowRun resource in the control cluster; in a worker
   * cluster (no owner across clusters) it is deleted when the run ends.
   */
  ensureClaim(run: RunContext, runUid: string): Promise<void> {
    const owner = { apiVersion: `${CYCLONE_GROUP}/${CYCLONE_VERSION}`, kind: 'WorkflowRun', name: run.names.run };
    run.claim ??= this.createIgnoringExisting('PersistentVolumeClaim', () =>
      run.lane.clients.core.createNamespacedPersistentVolumeClaim({
        namespace: run.namespace,
        body: {
          metadata: {
            name: workspaceClaimName(run.names.run),
            labels: buildWorkflowRunCr(run.names, run.namespace, '', 0).metadata?.labels,
            ...(run.lane.clusterId ? {} : { ownerReferences: [{ ...owner, uid: runUid }] }),
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: this.deps.workspaceSize ?? '1Gi' } },
            ...(this.deps.storageClassName !== undefined ? { storageClassName: this.deps.storageClassName } : {}),
          },
        },
      }),
    ).catch((err: unknown) => {
      run.claim = undefined;
      throw err;
    });
    return run.claim;
  }

  /** A create whose 409 (a pass tried again after its transaction failed) is success. */
  async createIgnoringExisting(kind: string, create: () => Promise<unknown>): Promise<void> {
    this.deps.writes.count(kind);
    try {
      await create();
    } catch (err) {
      if (apiStatusOf(err) !== 409) throw new Error(`${kind}: ${apiMessageOf(err)}`);
    }
  }
}
