import { declaredStageName } from '@cyclone/domain';
import type { OutputLimits } from '@cyclone/domain/core';
import { isTerminalRunPhase } from '@cyclone/domain/core';
import { apiStatusOf, KUBE_PATHS, type KubeClients, type V1Pod } from '@cyclone/k8s';
import type { PlainSql } from '../../../db/plain-sql.js';
import type { Db } from '../../../db/prisma.js';
import { INSTANCE_LABEL, tenantNamespaceSelector } from '../../../kube-sync/labels.js';
import { STAGE_SERVICE_ACCOUNT } from '../../../kube-sync/tenant-objects.js';
import type { Logger } from '../../../logging/logger.js';
import type { SecretBox } from '../../../modules/integrations/secret-box.js';
import { inSpan } from '../../../observability/trace-context.js';
import type { AttemptObservation, Executor, RunningAttempt, RunSummary, StageExit, StageLaunch } from '../executor.js';
import { ClusterLanes } from './cluster-lanes.js';
import { parsePodHandle, podHandle, stagePodName, workspaceClaimName } from './names.js';
import { isLaterPod, podOutcome } from './pod-outcome.js';
import { buildStagePod, HELPER_CONTAINER, RUN_LABEL, runOwner, stageSecretData } from './pod-spec.js';
import { type PodAttempt, type PodNamespaces, PodWatch } from './pod-watch.js';
import { appendResolverLogs } from './resolver-logs.js';
import { type RunContext, RunObjects, WriteCounter } from './run-objects.js';
import { requireGrantedServiceAccount } from './run-service-account.js';
import { RunStatusWriter } from './run-status.js';
import { requireTenantClaim, requireTenantObjects } from './run-volume-objects.js';
import { signStageToken } from './stage-token.js';

/** How long after its start an attempt's pod may be missing because another controller is still creating it. */
const POD_CREATION_GRACE_MS = 60_000;

export interface KubernetesExecutorOptions {
  db: Db;
  /** Plain pg for stored log lines (see PlainSql). */
  sql: PlainSql;
  logger: Logger;
  clients: KubeClients;
  box: SecretBox;
  /** Records how an attempt ended; called once per ended pod this process sees (idempotent downstream). */
  onExit: (exit: StageExit) => Promise<void>;
  /** CYCLONE_INSTANCE: labels and the pod watch's selector. */
  instance: string;
  /** Base URL stage pods reach the API at (log, output and artifact routes). */
  apiUrl: string;
  helperImage: string;
  /** What a stage may print and leave in $CYCLONE_RESULTS: its helper applies them, the ingestion route checks them. */
  outputLimits?: OutputLimits;
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
  /** Clients of a worker cluster from its kubeconfig (default: as written). */
  workerClients?: (kubeconfig: string) => KubeClients;
}

/**
 * Runs each attempt as a pod in the tenant's namespace (see docs/engine.md, "Kubernetes
 * executor"). The handle is `k8s:<namespace>/<pod>`; pods outlive the controller,
 * so after a restart the next pass simply looks at them again (nothing is orphaned).
 * Exits are pushed by the pod watch (pod-watch.ts) and pulled by `observe` on every
 * pass (from the watch's cache, a GET only for pods it has not seen), whichever
 * comes first. Run-level objects: run-objects.ts; WorkflowRun status: run-status.ts.
 */
export class KubernetesExecutor implements Executor {
  readonly kind = 'kubernetes';
  /** Requests that change the cluster, by kind of object (the bench reads them). */
  readonly writes = new WriteCounter();
  private readonly objects: RunObjects;
  private readonly status: RunStatusWriter;
  private readonly lanes: ClusterLanes;

  constructor(private readonly deps: KubernetesExecutorOptions) {
    const { db, clients, logger, instance } = deps;
    const makeWatch = (laneClients: KubeClients, namespaces: PodNamespaces, onSweep?: () => Promise<void>) =>
      new PodWatch({
        clients: laneClients,
        logger,
        instance,
        namespaces,
        writes: this.writes,
        podGcDelayMs: deps.podGcDelayMs,
        report: async (attempt, exitCode, message, pod) =>
          deps.onExit(await this.exitOf(attempt, exitCode, message, { pod, clients: laneClients })),
        onSweep,
      });
    this.lanes = new ClusterLanes({
      db,
      box: deps.box,
      control: {
        clients,
        watch: makeWatch(clients, { labelSelector: tenantNamespaceSelector(instance) }, () =>
          this.status.retryFailed(),
        ),
      },
      makeWatch: (laneClients, namespace) => makeWatch(laneClients, { names: [namespace] }),
      clientsOf: deps.workerClients,
    });
    this.objects = new RunObjects({
      db,
      sql: deps.sql,
      clients,
      instance,
      writes: this.writes,
      laneOf: async (tenant, cluster) =>
        this.lanes.lane(cluster === null ? undefined : await this.lanes.resolve(tenant, cluster)),
      workspaceSize: deps.workspaceSize,
      storageClassName: deps.storageClassName,
    });
    this.status = new RunStatusWriter({ clients, logger, objects: this.objects, writes: this.writes });
  }

  /** Starts the control cluster's pod watch and sweep of ended pods (a worker's start with its first run). */
  startWatching(): Promise<void> {
    return this.lanes.control.watch.start();
  }

  /**
   * Builds the attempt's pod (a bad spec throws at once) and returns its handle; the
   * Kubernetes requests (WorkflowRun, claim, Secret, pod) are made after, outside the
   * caller's pass transaction. A creation that fails ends the attempt through
   * `onExit` ("could not start: …"); one whose pass rolled back is undone by `kill`.
   */
  async start(launch: StageLaunch): Promise<string> {
    const run = await this.objects.context(launch.runId);
    // A matrix combination (`<stage>.<i>`) runs its matrix stage's definition.
    const stage = run.stages.get(declaredStageName(launch.stage));
    if (!stage) throw new Error(`stage "${launch.stage}" is not in the run's workflow version`);
    const podName = stagePodName(run.names.run, launch.stage, launch.attempt);
    const secret = stageSecretData({
      token: signStageToken(this.deps.box, { runId: launch.runId, stage: launch.stage, attempt: launch.attempt }),
      env: launch.env,
      program: [...launch.command, ...launch.args],
      secrets: launch.secrets ?? [],
      resources: launch.resources,
      resolvers: launch.resolvers,
    });
    let pod = buildStagePod({
      namespace: run.namespace,
      podName,
      names: run.names,
      stage: launch.stage,
      attempt: launch.attempt,
      runId: launch.runId,
      // The substituted image (`${…}` resolved like command and env), else the version's.
      image: launch.image ?? stage.image,
      command: launch.command,
      args: launch.args,
      env: launch.env,
      workingDir: launch.workingDir,
      firstSeq: launch.firstSeq,
      resources: launch.resources,
      artifacts: launch.artifacts,
      outputArtifacts: launch.outputArtifacts,
      caches: launch.caches,
      workspaceClaim: run.isShared ? workspaceClaimName(run.names.run) : undefined,
      secretName: podName,
      secretEnv: secret.secretEnv,
      secretArgs: secret.secretArgs,
      helperImage: this.deps.helperImage,
      apiUrl: this.deps.apiUrl,
      outputLimits: this.deps.outputLimits,
      serviceAccountName: launch.serviceAccount ?? this.deps.serviceAccountName ?? STAGE_SERVICE_ACCOUNT,
      mountsApiToken: launch.serviceAccount !== undefined,
      runVolumes: launch.volumes,
      podDefaults: this.deps.podDefaults,
      podSecurity: run.podSecurity,
      podSpecExtras: stage.podSpecExtras,
      services: launch.services,
      accelerated: launch.accelerated,
      resolvers: launch.resolvers,
      resolverSecretKeys: secret.resolverSecretKeys,
      httpPushes: launch.httpPushes,
    });
    if (this.deps.decoratePod) pod = this.deps.decoratePod(pod, launch);
    // Started again after a kill (its pass rolled back): this start is meant to run.
    run.lane.watch.revive(podName);
    const creation: Promise<void> = this.createObjects(run, launch, pod, secret.data).finally(() => {
      if (this.creating.get(podName) === creation) this.creating.delete(podName);
    });
    this.creating.set(podName, creation);
    return podHandle(run.namespace, podName, run.lane.clusterId);
  }

  /** Pods whose objects are being created: a pass that does not find them yet waits. */
  private readonly creating = new Map<string, Promise<void>>();
  /** Pods last read by a GET (the watch had not seen them) by handle, until the watch has a copy as late. */
  private readonly fetchedPods = new Map<string, V1Pod>();

  /** Settles once the objects of a started attempt were created (or their failure reported). */
  async created(handle: string): Promise<void> {
    const parsed = parsePodHandle(handle);
    if (parsed) await this.creating.get(parsed.pod);
  }

  private async createObjects(
    run: RunContext,
    launch: StageLaunch,
    pod: V1Pod,
    secretData: Record<string, string>,
  ): Promise<void> {
    const { lane } = run;
    const name = pod.metadata?.name as string;
    try {
      const runUid = await this.objects.ensureWorkflowRun(launch.runId, run);
      if (run.isShared) await this.objects.ensureClaim(run, runUid);
      // Owners do not reach across clusters: a worker's pods are removed by its sweep instead.
      if (!lane.clusterId) pod.metadata = { ...pod.metadata, ownerReferences: runOwner(run.names, runUid) };
      if (lane.watch.killed.has(name)) return;
      if (launch.serviceAccount) await requireGrantedServiceAccount(lane.clients, run.namespace, launch.serviceAccount);
      if (launch.volumes?.length) await requireTenantObjects(lane.clients, run.namespace, launch.volumes);
      for (const pull of launch.resources ?? []) {
        if (pull.persistent) await requireTenantClaim(lane.clients, run.namespace, pull.persistent.claim.pvc);
      }
      await this.createSecret(run, pod, secretData);
      // A pass that failed after creating the pod creates it again: the same name, so nothing doubles.
      await inSpan(
        'cyclone.pod.create',
        {
          'cyclone.run.id': launch.runId,
          'cyclone.stage': launch.stage,
          'k8s.namespace.name': run.namespace,
          'k8s.pod.name': name,
        },
        () =>
          this.objects.createIgnoringExisting('Pod', () =>
            lane.clients.plain.createOnly(KUBE_PATHS.pods(run.namespace), pod),
          ),
      );
      // Killed while it was being created (its pass rolled back, a stop): delete it now that it exists.
      if (lane.watch.killed.has(name)) lane.watch.killAgain(run.namespace, name);
    } catch (err) {
      const message = `could not start: ${(err as Error).message}`;
      const { runId, stage, attempt } = launch;
      await this.deps
        .onExit({ runId, stage, attempt, exitCode: null, message, outputs: [] })
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error, pod: name }, 'could not record a pod that was not created'),
        );
    }
  }

  private createSecret(run: RunContext, pod: V1Pod, data: Record<string, string>): Promise<void> {
    const metadata = pod.metadata ?? {};
    return this.objects.createIgnoringExisting('Secret', () =>
      run.lane.clients.plain.createOnly(KUBE_PATHS.secrets(run.namespace), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: metadata.name, labels: metadata.labels, ownerReferences: metadata.ownerReferences },
        type: 'Opaque',
        stringData: data,
      }),
    );
  }

  kill(handle: string | null): void {
    const parsed = parsePodHandle(handle);
    if (!parsed) return;
    this.fetchedPods.delete(handle as string);
    this.lanes.lane(parsed.clusterId).then(
      (lane) => lane.watch.kill(parsed.namespace, parsed.pod),
      (err: unknown) => this.deps.logger.warn({ err, pod: parsed.pod }, 'could not reach the cluster of a killed pod'),
    );
  }

  /** Pods survive a controller restart: only a row that never got a handle is lost. */
  isOrphan(handle: string | null): boolean {
    return handle === null || !parsePodHandle(handle);
  }

  async observe(attempt: RunningAttempt): Promise<AttemptObservation | undefined> {
    const parsed = parsePodHandle(attempt.handle);
    if (!parsed) return undefined;
    const lane = await this.lanes.lane(parsed.clusterId);
    // Killed: its end is recorded by the pass that killed it (or decided again by the next).
    if (lane.watch.killed.has(parsed.pod)) return undefined;
    // The watch's copy when it has one: a pass costs no request per running pod. A pod
    // read by a GET before the watch saw it may be later than the watch's first copy:
    // the later one counts (an older copy would blank the stage's message for a pass).
    let pod = lane.watch.cached(parsed.namespace, parsed.pod);
    const fetched = this.fetchedPods.get(attempt.handle as string);
    if (pod && fetched) {
      if (isLaterPod(fetched, pod)) pod = fetched;
      else this.fetchedPods.delete(attempt.handle as string);
    }
    // Still being created: nothing to see yet, and no GET while the pass holds its transaction.
    if (!pod && this.creating.has(parsed.pod)) return undefined;
    if (!pod) {
      try {
        pod = await lane.clients.core.readNamespacedPod({ name: parsed.pod, namespace: parsed.namespace });
        this.fetchedPods.set(attempt.handle as string, pod);
      } catch (err) {
        if (apiStatusOf(err) !== 404) throw err;
        this.fetchedPods.delete(attempt.handle as string);
        // Still being created (or its creation failed, which onExit reports).
        if (this.creating.has(parsed.pod)) return undefined;
        // Every controller passes over every run: the one that started this attempt may
        // still be creating its pod (its own `creating`), so only an older absence counts.
        if (attempt.startedAt && Date.now() - attempt.startedAt.getTime() < POD_CREATION_GRACE_MS) return undefined;
        return { exit: { ...attempt, exitCode: null, message: 'the pod was deleted before it ended', outputs: [] } };
      }
    }
    const outcome = podOutcome(pod, new Date());
    if (!outcome.isEnded) return outcome.message !== attempt.message ? { message: outcome.message } : undefined;
    lane.watch.markReported(parsed.pod);
    this.fetchedPods.delete(attempt.handle as string);
    return { exit: await this.exitOf(attempt, outcome.exitCode, outcome.message, { pod, clients: lane.clients }) };
  }

  /**
   * Writes the run's summary status (in order per run; a failed write is retried by
   * the sweep). A run that ended in a worker cluster also has its claim and Secrets
   * there deleted (nothing owns them across clusters).
   */
  async runPhaseChanged(runId: string, summary: RunSummary): Promise<void> {
    if (isTerminalRunPhase(summary.phase)) {
      const run = await this.objects.context(runId);
      if (run.lane.clusterId) await this.cleanWorker(run);
    }
    return this.status.phaseChanged(runId, summary);
  }

  private async cleanWorker(run: RunContext): Promise<void> {
    const { core } = run.lane.clients;
    const labelSelector = `${RUN_LABEL}=${run.names.run},${INSTANCE_LABEL}=${this.deps.instance}`;
    try {
      this.writes.count('Secret/delete');
      await core.deleteCollectionNamespacedSecret({ namespace: run.namespace, labelSelector });
      if (run.isShared) {
        this.writes.count('PersistentVolumeClaim/delete');
        await core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: run.namespace, labelSelector });
      }
    } catch (err) {
      this.deps.logger.warn({ err, run: run.names.run }, "could not remove a run's objects from its worker cluster");
    }
  }

  async shutdown(): Promise<void> {
    // Attempts already RUNNING with their handle get their pods: no other controller
    // would create them (it waits, then takes them for deleted).
    await Promise.allSettled(this.creating.values());
    await this.lanes.stop();
  }

  /**
   * The exit of an ended attempt: outputs are what its helper posted while it ran.
   * A zero exit whose declared output artifacts were not all uploaded by the helper
   * fails (as a missing path fails a local attempt); the stage log says why.
   */
  private async exitOf(
    attempt: PodAttempt,
    exitCode: number | null,
    message: string,
    ended?: { pod: V1Pod; clients: KubeClients },
  ): Promise<StageExit> {
    if (ended) {
      await appendResolverLogs(
        {
          db: this.deps.db,
          sql: this.deps.sql,
          logger: this.deps.logger,
          clients: ended.clients,
          limits: this.deps.outputLimits,
        },
        ended.pod,
        attempt,
      ).catch((err: unknown) =>
        this.deps.logger.warn(
          { err, pod: ended.pod.metadata?.name },
          "could not add resolver images' output to the stage log",
        ),
      );
    }
    const [row] = await this.deps.sql.rows<{ attempt: number; outputs: { key: string; value: string }[] }>(
      'SELECT attempt, outputs FROM stage_runs WHERE run_id = $1::uuid AND stage = $2',
      [attempt.runId, attempt.stage],
    );
    const base = { runId: attempt.runId, stage: attempt.stage, attempt: attempt.attempt };
    if (exitCode !== 0 || row?.attempt !== attempt.attempt) return { ...base, exitCode, message, outputs: [] };
    // A zero exit whose declared outputs did not all reach the API fails, naming them.
    const outputsLost = (message: string) => ({
      ...base,
      exitCode: null,
      message: `${message} (see the stage log)`,
      outputs: [],
    });
    const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
    const missing = await this.missingArtifacts(attempt);
    if (missing.length > 0) return outputsLost(`output artifacts: ${quoted(missing)} not stored`);
    const unsent = ended ? await this.unsentHttpPushes(attempt, ended.pod) : [];
    if (unsent.length > 0) return outputsLost(`output resources: ${quoted(unsent)} not sent`);
    return { ...base, exitCode, message, outputs: row.outputs };
  }

  /** The Http outputs the pod's helper was to send (its env names them) that the API did not record as sent. */
  private async unsentHttpPushes(attempt: PodAttempt, pod: V1Pod): Promise<string[]> {
    const helper = pod.spec?.initContainers?.find((c) => c.name === HELPER_CONTAINER);
    const declared = helper?.env?.find((e) => e.name === 'CYCLONE_HTTP_PUSHES')?.value;
    if (!declared) return [];
    const names = (JSON.parse(declared) as { name: string }[]).map((p) => p.name);
    const sent = await this.deps.db.resourceSend.findMany({
      where: { runId: attempt.runId, stage: attempt.stage, attempt: attempt.attempt, name: { in: names } },
      select: { name: true },
    });
    const sentNames = new Set(sent.map((row) => row.name));
    return names.filter((name) => !sentNames.has(name));
  }

  private async missingArtifacts(attempt: PodAttempt): Promise<string[]> {
    const run = await this.objects.context(attempt.runId);
    const declared = run.stages.get(declaredStageName(attempt.stage))?.outputArtifacts ?? [];
    if (declared.length === 0) return [];
    const stored = await this.deps.db.artifact.findMany({
      where: { runId: attempt.runId, stage: attempt.stage, attempt: attempt.attempt },
      select: { name: true },
    });
    const names = new Set(stored.map((row) => row.name));
    return declared.map((a) => a.name).filter((name) => !names.has(name));
  }
}
