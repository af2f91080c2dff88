import {
  apiStatusOf,
  type Informer,
  KUBE_PATHS,
  type KubeClients,
  type KubernetesObject,
  LABELS,
  MANAGED_BY,
  makeInformer,
  type ObjectCache,
  type V1Namespace,
  type V1Pod,
} from '@cyclone/k8s';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import type { Logger } from '../../../logging/logger.js';
import { podOutcome, podResolvers } from './pod-outcome.js';
import { ATTEMPT_LABEL, STAGE_LABEL } from './pod-spec.js';
import type { WriteCounter } from './run-objects.js';

const SWEEP_MS = 5_000;
/** Exits recorded at once (each is a short database transaction). */
const EXIT_SLOTS = 4;
/**
 * How long a killed pod's name is kept after the pod is gone: a pass that read its
 * attempt as running just before the kill still finds it killed, not vanished.
 */
const KILLED_MEMORY_MS = 60_000;
/**
 * A pod whose attempt ended while its push resolvers still wait (never to be notified)
 * holds its quota: it goes this soon after its exit was recorded by a pass.
 */
const ENDED_RUNNING_POD_MS = 30_000;

/** Still running with push resolvers: its attempt may have ended all the same (pod-outcome.ts). */
const isPodRunning = (pod: V1Pod) =>
  pod.status?.phase !== 'Succeeded' &&
  pod.status?.phase !== 'Failed' &&
  podResolvers(pod).some((r) => r.operation === 'push');

export interface PodAttempt {
  runId: string;
  stage: string;
  attempt: number;
}

/**
 * Which namespaces hold the stage pods of a cluster: the control cluster's are this
 * installation's tenant namespaces (found by label, followed as they come and go), a
 * worker cluster's the one namespace of its tenant. Pods are listed and watched per
 * namespace: the controller may read pods nowhere else.
 */
export type PodNamespaces = { labelSelector: string } | { names: readonly string[] };

/** The watch of one namespace's stage pods. */
interface NamespaceWatch {
  informer: Informer<V1Pod> & ObjectCache<V1Pod>;
  isSynced: boolean;
  isStopped: boolean;
  started: Promise<void>;
}

/**
 * The stage pods of one cluster as this process sees them: a watch per namespace (an
 * informer: list, then watch from its resourceVersion; a 410 re-lists) whose ended
 * pods are reported once each, a cache the executor's passes read instead of GETting
 * every running pod, and the deletion of pods (at once when killed, a GC delay after
 * an exit was recorded; a periodic sweep retries failed deletes).
 */
export class PodWatch {
  private readonly watches = new Map<string, NamespaceWatch>();
  private namespaceInformer?: Informer<V1Namespace>;
  /** Pods whose exit this process recorded, with when (for the delayed deletion). */
  readonly reported = new Map<string, number>();
  /** Pods deleted by kill, with when: their disappearance is not a failure. */
  readonly killed = new Map<string, number>();
  /** Pods this process deleted, until the watch no longer lists them. */
  private readonly deleted = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private isStopped = false;
  private isSweeping = false;
  private exitsRunning = 0;
  private readonly exitWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: {
      clients: KubeClients;
      logger: Logger;
      instance: string;
      namespaces: PodNamespaces;
      writes: WriteCounter;
      podGcDelayMs: number;
      /** Builds the exit of an ended attempt and records it (idempotent downstream). */
      report: (attempt: PodAttempt, exitCode: number | null, message: string, pod: V1Pod) => Promise<void>;
      /** Called on each sweep (the run status writer retries its failed writes there). */
      onSweep?: () => Promise<void>;
    },
  ) {}

  /** Starts watching; settles once the namespaces known now have been listed. */
  async start(): Promise<void> {
    const every = Math.min(SWEEP_MS, Math.max(this.deps.podGcDelayMs, 500));
    this.sweepTimer = setInterval(() => void this.sweep(), every);
    const { namespaces } = this.deps;
    if ('names' in namespaces) {
      await Promise.all(namespaces.names.map((namespace) => this.watchNamespace(namespace)));
      return;
    }
    const { clients } = this.deps;
    const { labelSelector } = namespaces;
    const informer = makeInformer<V1Namespace>(
      clients.kc,
      '/api/v1/namespaces',
      () => clients.core.listNamespace({ labelSelector }),
      labelSelector,
    );
    informer.on('add', (ns) => void this.watchNamespace(ns.metadata?.name as string));
    informer.on('delete', (ns) => this.unwatchNamespace(ns.metadata?.name as string));
    informer.on('error', this.restarter('namespace watch', informer));
    this.namespaceInformer = informer;
    await informer.start().catch(this.restarter('namespace watch', informer));
    await Promise.all([...this.watches.values()].map((watch) => watch.started));
  }

  /** Restarts an informer a second after it failed, unless the watch was stopped. */
  private restarter<T extends KubernetesObject>(what: string, informer: Informer<T>, watch?: NamespaceWatch) {
    const restart = (err: unknown) => {
      if (watch) watch.isSynced = false;
      if (this.isStopped || watch?.isStopped) return;
      this.deps.logger.warn({ err }, `${what} ended; restarting`);
      setTimeout(() => {
        if (this.isStopped || watch?.isStopped) return;
        informer.start().then(() => {
          if (watch) watch.isSynced = !watch.isStopped;
        }, restart);
      }, 1_000);
    };
    return restart;
  }

  private watchNamespace(namespace: string): Promise<void> {
    const known = this.watches.get(namespace);
    if (known) return known.started;
    const { clients, instance } = this.deps;
    const selector = `${LABELS.managedBy}=${MANAGED_BY},${INSTANCE_LABEL}=${instance},${STAGE_LABEL}`;
    const informer = makeInformer<V1Pod>(
      clients.kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => clients.core.listNamespacedPod({ namespace, labelSelector: selector }),
      selector,
    );
    const onPod = (pod: V1Pod) => void this.onPodSeen(pod);
    informer.on('add', onPod);
    informer.on('update', onPod);
    const watch: NamespaceWatch = { informer, isSynced: false, isStopped: false, started: Promise.resolve() };
    const restart = this.restarter(`pod watch of ${namespace}`, informer, watch);
    informer.on('error', restart);
    watch.started = informer.start().then(() => {
      watch.isSynced = !watch.isStopped && !this.isStopped;
    }, restart);
    this.watches.set(namespace, watch);
    return watch.started;
  }

  /** A tenant namespace went away, and its pods with it. */
  private unwatchNamespace(namespace: string): void {
    const watch = this.watches.get(namespace);
    if (!watch) return;
    this.watches.delete(namespace);
    watch.isStopped = true;
    watch.isSynced = false;
    void watch.informer.stop();
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.namespaceInformer?.stop();
    for (const namespace of [...this.watches.keys()]) this.unwatchNamespace(namespace);
  }

  /**
   * The pod as the watch last saw it; undefined when its namespace's watch is not
   * synced or has not seen it (a pod created a moment ago): the caller then GETs it.
   */
  cached(namespace: string, name: string): V1Pod | undefined {
    const watch = this.watches.get(namespace);
    if (!watch?.isSynced || this.isStopped) return undefined;
    return watch.informer.get(name, namespace);
  }

  /** A pod ended and its exit is being recorded by a pass: the GC delay runs from now. */
  markReported(name: string): void {
    if (!this.reported.has(name)) this.reported.set(name, Date.now());
  }

  kill(namespace: string, name: string): void {
    this.killed.set(name, Date.now());
    this.deletePod(namespace, name).catch((err: unknown) =>
      this.deps.logger.warn({ err, pod: name }, 'could not delete a killed pod; the sweep tries again'),
    );
  }

  /** A pod started again under a killed name is no longer killed (a new kill marks it again). */
  revive(name: string): void {
    this.killed.delete(name);
    this.deleted.delete(name);
  }

  /** Deletes a killed pod that was created after its first delete. */
  killAgain(namespace: string, name: string): void {
    this.deleted.delete(name);
    this.kill(namespace, name);
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    if (this.deleted.has(name)) return;
    this.deps.writes.count('Pod/delete');
    try {
      await this.deps.clients.plain.delete(KUBE_PATHS.pod(namespace, name), { gracePeriodSeconds: 0 });
    } catch (err) {
      if (apiStatusOf(err) !== 404) throw err;
    }
    this.deleted.add(name);
  }

  private attemptOf(pod: V1Pod): PodAttempt | undefined {
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
        await this.deps.report(attempt, outcome.exitCode, outcome.message, pod);
        if (this.deps.podGcDelayMs === 0 || isPodRunning(pod)) {
          await this.deletePod(pod.metadata?.namespace as string, name);
        }
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
    if (this.isStopped || this.isSweeping) return;
    this.isSweeping = true;
    try {
      await this.deps.onSweep?.();
      await this.sweepOnce();
    } finally {
      this.isSweeping = false;
    }
  }

  /** Every stage pod the watches know of. */
  private pods(): V1Pod[] {
    return [...this.watches.values()].flatMap((watch) => watch.informer.list());
  }

  private async sweepOnce(): Promise<void> {
    const now = Date.now();
    for (const pod of this.pods()) {
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
      const delay = isPodRunning(pod) ? Math.min(this.deps.podGcDelayMs, ENDED_RUNNING_POD_MS) : this.deps.podGcDelayMs;
      if (now - reportedAt >= delay) {
        await this.deletePod(namespace, name).catch((err: unknown) =>
          this.deps.logger.warn({ err, pod: name }, 'could not delete an ended pod'),
        );
      }
    }
    // Names of pods that are gone need no memory.
    const live = new Set(this.pods().map((p) => p.metadata?.name));
    for (const name of this.deleted) if (!live.has(name)) this.deleted.delete(name);
    for (const [name, killedAt] of this.killed) {
      if (!live.has(name) && now - killedAt >= KILLED_MEMORY_MS) this.killed.delete(name);
    }
    for (const name of this.reported.keys()) if (!live.has(name)) this.reported.delete(name);
  }
}
