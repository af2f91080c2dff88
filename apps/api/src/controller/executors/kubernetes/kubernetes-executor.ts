import {
  apiMessageOf,
  apiStatusOf,
  CYCLONE_GROUP,
  CYCLONE_VERSION,
  type Informer,
  type KubeClients,
  LABELS,
  MANAGED_BY,
  makeInformer,
  type ObjectCache,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@cyclone/k8s';
import type { Db } from '../../../db/prisma.js';
import type { Logger } from '../../../logging/logger.js';
import type { SecretBox } from '../../../modules/integrations/secret-box.js';
import { INSTANCE_LABEL } from '../../../reconciler/labels.js';
import { STAGE_SERVICE_ACCOUNT, tenantNamespace } from '../../../reconciler/tenant-objects.js';
import type { AttemptObservation, Executor, RunningAttempt, RunSummary } from '../executor.js';
import type { StageExit, StageLaunch } from '../local-executor.js';
import { parsePodHandle, podHandle, stagePodName, workflowRunName, workspaceClaimName } from './names.js';
import { podOutcome } from './pod-outcome.js';
import { ATTEMPT_LABEL, buildStagePod, type RunObjectNames, STAGE_LABEL, stageSecretData } from './pod-spec.js';
import { signStageToken } from './stage-token.js';
import { buildWorkflowRunCr, workflowRunStatus } from './workflow-run-cr.js';

export interface KubernetesExecutorOptions {
  db: Db;
  logger: Logger;
  clients: KubeClients;
  box: SecretBox;
  /** Records how an attempt ended; called once per ended pod this process sees (idempotent downstream). */
  onExit: (exit: StageExit) => Promise<void>;
  /** CYCLONE_INSTANCE: labels and the pod watch's selector. */
  instance: string;
  /** Base URL stage pods reach the API at (log and output ingestion). */
  apiUrl: string;
  helperImage: string;
  /** Ended pods are deleted this long after their exit was recorded (stop and timeout: at once). */
  podGcDelayMs: number;
  /** Pod settings for every stage pod (nodeSelector, tolerations…); a stage's own extras win. */
  podDefaults?: Record<string, unknown>;
  serviceAccountName?: string;
  /** Size of a run's shared workspace claim. */
  workspaceSize?: string;
  storageClassName?: string;
  /** Last touch on a pod before it is created (tests and benches set kwok annotations here). */
  decoratePod?: (pod: V1Pod, launch: StageLaunch) => V1Pod;
}

interface RunContext {
  namespace: string;
  names: RunObjectNames;
  number: number;
  stages: Map<string, { image: string; podSpecExtras?: Record<string, unknown> }>;
  isShared: boolean;
  /** uid of the WorkflowRun resource once it exists. */
  uid?: Promise<string>;
  claim?: Promise<void>;
}

const PLURAL = 'workflowruns';
const SWEEP_MS = 5_000;
/** Exits recorded at once (each is a short database transaction). */
const EXIT_SLOTS = 4;

/**
 * Runs each attempt as a pod in the tenant's namespace (see docs/engine.md, "Kubernetes
 * executor"). The handle is `k8s:<namespace>/<pod>`; pods outlive the controller,
 * so after a restart the next pass simply looks at them again (nothing is orphaned).
 * Exits are pushed by a pod watch (list + watch from a resourceVersion, re-listed on
 * 410) and pulled by `observe` on every pass, whichever comes first.
 */
export class KubernetesExecutor implements Executor {
  private readonly runs = new Map<string, RunContext>();
  private informer?: Informer<V1Pod> & ObjectCache<V1Pod>;
  /** Pods whose exit this process recorded, with when (for the delayed deletion). */
  private readonly reported = new Map<string, number>();
  /** Pods deleted by kill: their disappearance is not a failure. */
  private readonly killed = new Set<string>();
  /** Run status writes that failed, retried by the sweep (a newer phase change replaces one). */
  private readonly failedStatus = new Map<string, RunSummary>();
  private readonly statusWrites = new Map<string, Promise<void>>();
  /** Pods this process deleted, until the watch no longer lists them. */
  private readonly deleted = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private isStopped = false;
  private isSweeping = false;
  private exitsRunning = 0;
  private readonly exitWaiters: (() => void)[] = [];
  /** Requests that change the cluster, by kind of object (the bench reads them). */
  readonly writes = { total: 0, byKind: {} as Record<string, number> };

  constructor(private readonly deps: KubernetesExecutorOptions) {}

  get box(): SecretBox {
    return this.deps.box;
  }

  private countWrite(kind: string): void {
    this.writes.total += 1;
    this.writes.byKind[kind] = (this.writes.byKind[kind] ?? 0) + 1;
  }

  /** Starts the pod watch and the sweep of ended pods. */
  async startWatching(): Promise<void> {
    const { clients, instance } = this.deps;
    const selector = `${LABELS.managedBy}=${MANAGED_BY},${INSTANCE_LABEL}=${instance},${STAGE_LABEL}`;
    const informer = makeInformer<V1Pod>(
      clients.kc,
      '/api/v1/pods',
      () => clients.core.listPodForAllNamespaces({ labelSelector: selector }),
      selector,
    );
    const onPod = (pod: V1Pod) => void this.onPodSeen(pod);
    informer.on('add', onPod);
    informer.on('update', onPod);
    const restart = (err: unknown) => {
      if (this.isStopped) return;
      this.deps.logger.warn({ err }, 'pod watch ended; restarting');
      setTimeout(() => {
        if (!this.isStopped) informer.start().catch(restart);
      }, 1_000);
    };
    informer.on('error', restart);
    this.informer = informer;
    this.sweepTimer = setInterval(() => void this.sweep(), Math.min(SWEEP_MS, Math.max(this.deps.podGcDelayMs, 500)));
    await informer.start().catch(restart);
  }

  async start(launch: StageLaunch): Promise<string> {
    const run = await this.runContext(launch.runId);
    const stage = run.stages.get(launch.stage);
    if (!stage) throw new Error(`stage "${launch.stage}" is not in the run's workflow version`);
    if ((launch.artifacts?.length ?? 0) + (launch.outputArtifacts?.length ?? 0) > 0) {
      throw new Error('artifacts are not supported by the Kubernetes executor yet');
    }
    const podName = stagePodName(run.names.run, launch.stage, launch.attempt);
    const runUid = await this.ensureWorkflowRun(launch.runId, run);
    if (run.isShared) {
      run.claim ??= this.ensureClaim(run, runUid);
      await run.claim;
    }
    const secret = stageSecretData({ env: launch.env, secrets: launch.secrets ?? [], resources: launch.resources });
    let pod = buildStagePod({
      namespace: run.namespace,
      podName,
      names: run.names,
      runUid,
      stage: launch.stage,
      attempt: launch.attempt,
      runId: launch.runId,
      image: stage.image,
      command: launch.command,
      args: launch.args,
      env: launch.env,
      workingDir: launch.workingDir,
      firstSeq: launch.firstSeq,
      resources: launch.resources,
      artifacts: launch.artifacts,
      outputArtifacts: launch.outputArtifacts,
      workspaceClaim: run.isShared ? workspaceClaimName(run.names.run) : undefined,
      secretName: secret ? podName : undefined,
      secretEnv: secret?.secretEnv,
      helperImage: this.deps.helperImage,
      apiUrl: this.deps.apiUrl,
      token: signStageToken(this.deps.box, { runId: launch.runId, stage: launch.stage, attempt: launch.attempt }),
      serviceAccountName: this.deps.serviceAccountName ?? STAGE_SERVICE_ACCOUNT,
      podDefaults: this.deps.podDefaults,
      podSpecExtras: stage.podSpecExtras,
    });
    if (this.deps.decoratePod) pod = this.deps.decoratePod(pod, launch);
    if (secret) {
      await this.createIgnoringExisting('Secret', () =>
        this.deps.clients.core.createNamespacedSecret({
          namespace: run.namespace,
          body: {
            metadata: { name: podName, labels: pod.metadata?.labels, ownerReferences: pod.metadata?.ownerReferences },
            type: 'Opaque',
            stringData: secret.data,
          },
        }),
      );
    }
    // A pass that failed after creating the pod creates it again: the same name, so nothing doubles.
    await this.createIgnoringExisting('Pod', () =>
      this.deps.clients.core.createNamespacedPod({ namespace: run.namespace, body: pod }),
    );
    return podHandle(run.namespace, podName);
  }

  kill(handle: string | null): void {
    const parsed = parsePodHandle(handle);
    if (!parsed) return;
    this.killed.add(parsed.pod);
    this.deletePod(parsed.namespace, parsed.pod).catch((err: unknown) =>
      this.deps.logger.warn({ err, pod: parsed.pod }, 'could not delete a killed pod; the sweep tries again'),
    );
  }

  /** Pods survive a controller restart: only a row that never got a handle is lost. */
  isOrphan(handle: string | null): boolean {
    return handle === null || !parsePodHandle(handle);
  }

  async observe(attempt: RunningAttempt): Promise<AttemptObservation | undefined> {
    const parsed = parsePodHandle(attempt.handle);
    if (!parsed) return undefined;
    let pod: V1Pod;
    try {
      pod = await this.deps.clients.core.readNamespacedPod({ name: parsed.pod, namespace: parsed.namespace });
    } catch (err) {
      if (apiStatusOf(err) !== 404) throw err;
      if (this.killed.has(parsed.pod)) return undefined;
      return { exit: { ...attempt, exitCode: null, message: 'the pod was deleted before it ended', outputs: [] } };
    }
    const outcome = podOutcome(pod, new Date());
    if (!outcome.isEnded) return outcome.message !== attempt.message ? { message: outcome.message } : undefined;
    if (!this.reported.has(parsed.pod)) this.reported.set(parsed.pod, Date.now());
    return { exit: await this.exitOf(attempt, outcome.exitCode, outcome.message) };
  }

  /**
   * Writes the run's summary status. A failed write is kept and tried again by the
   * sweep (the run's next phase change, if any, replaces it).
   */
  runPhaseChanged(runId: string, summary: RunSummary): Promise<void> {
    // One run's writes go in order (Running never lands after Succeeded); callers need not wait.
    const previous = this.statusWrites.get(runId) ?? Promise.resolve();
    const write = previous.then(async () => {
      this.failedStatus.delete(runId);
      try {
        await this.writeStatus(runId, summary);
      } catch (err) {
        this.failedStatus.set(runId, summary);
        throw err;
      }
    });
    const settled = write.catch(() => undefined);
    this.statusWrites.set(runId, settled);
    settled.then(() => {
      if (this.statusWrites.get(runId) === settled) this.statusWrites.delete(runId);
    });
    return write;
  }

  private async writeStatus(runId: string, summary: RunSummary): Promise<void> {
    let run = this.runs.get(runId);
    if (!run?.uid) {
      // Not started by this process (e.g. before a restart): update the resource if it exists.
      run = await this.runContext(runId);
      const target = { group: CYCLONE_GROUP, version: CYCLONE_VERSION, namespace: run.namespace, plural: PLURAL };
      try {
        const live = (await this.deps.clients.customObjects.getNamespacedCustomObject({
          ...target,
          name: run.names.run,
        })) as { metadata: { uid: string } };
        run.uid = Promise.resolve(live.metadata.uid);
      } catch (err) {
        // A run that never started a pod has no resource, and needs none.
        if (apiStatusOf(err) !== 404) throw err;
        return;
      }
    }
    await run.uid;
    this.countWrite('WorkflowRun/status');
    await this.deps.clients.customObjects.patchNamespacedCustomObjectStatus(
      {
        group: CYCLONE_GROUP,
        version: CYCLONE_VERSION,
        namespace: run.namespace,
        plural: PLURAL,
        name: run.names.run,
        body: { status: workflowRunStatus(summary) },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(summary.phase)) this.runs.delete(runId);
  }

  async shutdown(): Promise<void> {
    this.isStopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.informer?.stop();
  }

  // --- internals -----------------------------------------------------------

  private async runContext(runId: string): Promise<RunContext> {
    const known = this.runs.get(runId);
    if (known) return known;
    const row = await this.deps.db.workflowRun.findUniqueOrThrow({
      where: { id: runId },
      select: {
        number: true,
        version: { select: { spec: true } },
        workflow: { select: { name: true, project: { select: { name: true, tenant: { select: { name: true } } } } } },
      },
    });
    const spec = row.version.spec as {
      stages: {
        name: string;
        image: string;
        podSpecExtras?: Record<string, unknown>;
        inputs?: { resources?: unknown[]; artifacts?: unknown[] };
      }[];
    };
    const tenant = row.workflow.project.tenant.name;
    const context: RunContext = {
      namespace: tenantNamespace(tenant),
      number: row.number,
      names: {
        tenant,
        project: row.workflow.project.name,
        workflow: row.workflow.name,
        run: workflowRunName(row.workflow.name, row.number),
        instance: this.deps.instance,
      },
      stages: new Map(spec.stages.map((s) => [s.name, { image: s.image, podSpecExtras: s.podSpecExtras }])),
      // One stage alone shares nothing: its pod gets a volume of its own and the run no claim.
      isShared: spec.stages.length > 1,
    };
    this.runs.set(runId, context);
    return context;
  }

  /** Creates the run's WorkflowRun resource once (the owner of its pods) and returns its uid. */
  private ensureWorkflowRun(runId: string, run: RunContext): Promise<string> {
    run.uid ??= (async () => {
      const body = buildWorkflowRunCr(run.names, run.namespace, runId, run.number);
      const api = this.deps.clients.customObjects;
      const target = { group: CYCLONE_GROUP, version: CYCLONE_VERSION, namespace: run.namespace, plural: PLURAL };
      try {
        this.countWrite('WorkflowRun');
        const created = (await api.createNamespacedCustomObject({ ...target, body })) as { metadata: { uid: string } };
        return created.metadata.uid;
      } catch (err) {
        if (apiStatusOf(err) !== 409) throw new Error(`WorkflowRun ${run.names.run}: ${apiMessageOf(err)}`);
        const live = (await api.getNamespacedCustomObject({ ...target, name: run.names.run })) as {
          metadata: { uid: string };
        };
        return live.metadata.uid;
      }
    })();
    // A failed create is tried again by the next start.
    run.uid.catch(() => {
      run.uid = undefined;
    });
    return run.uid;
  }

  private async ensureClaim(run: RunContext, runUid: string): Promise<void> {
    await this.createIgnoringExisting('PersistentVolumeClaim', () =>
      this.deps.clients.core.createNamespacedPersistentVolumeClaim({
        namespace: run.namespace,
        body: {
          metadata: {
            name: workspaceClaimName(run.names.run),
            labels: buildWorkflowRunCr(run.names, run.namespace, '', 0).metadata?.labels,
            ownerReferences: [
              {
                apiVersion: `${CYCLONE_GROUP}/${CYCLONE_VERSION}`,
                kind: 'WorkflowRun',
                name: run.names.run,
                uid: runUid,
              },
            ],
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
  }

  private async createIgnoringExisting(kind: string, create: () => Promise<unknown>): Promise<void> {
    this.countWrite(kind);
    try {
      await create();
    } catch (err) {
      if (apiStatusOf(err) !== 409) throw new Error(`${kind}: ${apiMessageOf(err)}`);
    }
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    if (this.deleted.has(name)) return;
    this.countWrite('Pod/delete');
    try {
      await this.deps.clients.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    } catch (err) {
      if (apiStatusOf(err) !== 404) throw err;
    }
    this.deleted.add(name);
  }

  /** The exit of an ended attempt; outputs are what its helper posted while it ran. */
  private async exitOf(attempt: Omit<RunningAttempt, 'handle' | 'message'>, exitCode: number | null, message: string) {
    const row = await this.deps.db.stageRun.findUnique({
      where: { runId_stage: { runId: attempt.runId, stage: attempt.stage } },
      select: { outputs: true, attempt: true },
    });
    const outputs =
      exitCode === 0 && row?.attempt === attempt.attempt ? (row.outputs as { key: string; value: string }[]) : [];
    return { runId: attempt.runId, stage: attempt.stage, attempt: attempt.attempt, exitCode, message, outputs };
  }

  private attemptOf(pod: V1Pod) {
    const labels = pod.metadata?.labels ?? {};
    const runId = pod.metadata?.annotations?.['cyclone.dev/run-id'];
    const stage = labels[STAGE_LABEL];
    const attempt = Number(labels[ATTEMPT_LABEL]);
    if (!runId || !stage || !Number.isInteger(attempt)) return undefined;
    return { runId, stage, attempt };
  }

  /** A watch event: record the exit of an ended pod once, then schedule its deletion. */
  private async onPodSeen(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name;
    if (!name || this.reported.has(name) || this.killed.has(name) || this.deleted.has(name)) return;
    if (pod.metadata?.deletionTimestamp) return;
    const outcome = podOutcome(pod, new Date());
    if (!outcome.isEnded) return;
    const attempt = this.attemptOf(pod);
    if (!attempt) return;
    this.reported.set(name, Date.now());
    await this.inExitSlot(async () => {
      try {
        await this.deps.onExit(await this.exitOf(attempt, outcome.exitCode, outcome.message));
        if (this.deps.podGcDelayMs === 0) await this.deletePod(pod.metadata?.namespace as string, name);
      } catch (err) {
        this.reported.delete(name);
        this.deps.logger.warn({ err, pod: name }, 'could not record a pod exit; the next pass looks again');
      }
    });
  }

  /**
   * Runs a report with at most EXIT_SLOTS at once: each takes a database transaction,
   * and hundreds of pods may end within one watch burst.
   */
  private async inExitSlot(task: () => Promise<void>): Promise<void> {
    while (this.exitsRunning >= EXIT_SLOTS) await new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.exitsRunning += 1;
    try {
      await task();
    } finally {
      this.exitsRunning -= 1;
      this.exitWaiters.shift()?.();
    }
  }

  /**
   * Deletes ended pods once their exit is recorded and the GC delay passed, and pods
   * killed earlier whose delete failed. Reads the watch cache only; after a restart an
   * ended pod is first reported (idempotent), then deleted a delay later.
   */
  private async sweep(): Promise<void> {
    if (!this.informer || this.isStopped || this.isSweeping) return;
    this.isSweeping = true;
    try {
      await this.sweepOnce(this.informer);
    } finally {
      this.isSweeping = false;
    }
  }

  private async sweepOnce(informer: ObjectCache<V1Pod>): Promise<void> {
    for (const [runId, summary] of [...this.failedStatus]) {
      await this.writeStatus(runId, summary).then(
        () => {
          if (this.failedStatus.get(runId) === summary) this.failedStatus.delete(runId);
        },
        (err: unknown) => this.deps.logger.warn({ err, runId }, 'could not write a WorkflowRun status; retrying'),
      );
    }
    const now = Date.now();
    for (const pod of informer.list()) {
      const name = pod.metadata?.name as string;
      const namespace = pod.metadata?.namespace as string;
      if (pod.metadata?.deletionTimestamp || this.deleted.has(name)) continue;
      if (this.killed.has(name)) {
        await this.deletePod(namespace, name).catch(() => undefined);
        continue;
      }
      const reportedAt = this.reported.get(name);
      if (reportedAt === undefined) {
        await this.onPodSeen(pod);
        continue;
      }
      if (now - reportedAt >= this.deps.podGcDelayMs) {
        await this.deletePod(namespace, name).catch((err: unknown) =>
          this.deps.logger.warn({ err, pod: name }, 'could not delete an ended pod'),
        );
      }
    }
    // Names of pods that are gone need no memory.
    const live = new Set(informer.list().map((p) => p.metadata?.name));
    for (const names of [this.killed, this.deleted]) for (const name of names) if (!live.has(name)) names.delete(name);
    for (const name of this.reported.keys()) if (!live.has(name)) this.reported.delete(name);
  }
}
