import {
  apiStatusOf,
  type Informer,
  type KubeClients,
  LABELS,
  MANAGED_BY,
  makeInformer,
  type ObjectCache,
  type V1Pod,
} from '@cyclone/k8s';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import type { Logger } from '../../../logging/logger.js';
import { podOutcome } from './pod-outcome.js';
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

export interface PodAttempt {
  runId: string;
  stage: string;
  attempt: number;
}

/**
 * The stage pods of one cluster as this process sees them: a watch (an informer:
 * list, then watch from its resourceVersion; a 410 re-lists) whose ended pods are
 * reported once each, a cache the executor's passes read instead of GETting every
 * running pod, and the deletion of pods (at once when killed, a GC delay after an
 * exit was recorded; a periodic sweep retries failed deletes).
 */
export class PodWatch {
  private informer?: Informer<V1Pod> & ObjectCache<V1Pod>;
  private isSynced = false;
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
      writes: WriteCounter;
      podGcDelayMs: number;
      /** Builds the exit of an ended attempt and records it (idempotent downstream). */
      report: (attempt: PodAttempt, exitCode: number | null, message: string) => Promise<void>;
      /** Called on each sweep (the run status writer retries its failed writes there). */
      onSweep?: () => Promise<void>;
    },
  ) {}

  async start(): Promise<void> {
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
      this.isSynced = false;
      if (this.isStopped) return;
      this.deps.logger.warn({ err }, 'pod watch ended; restarting');
      setTimeout(() => {
        if (!this.isStopped) informer.start().then(() => this.markSynced(), restart);
      }, 1_000);
    };
    informer.on('error', restart);
    this.informer = informer;
    const every = Math.min(SWEEP_MS, Math.max(this.deps.podGcDelayMs, 500));
    this.sweepTimer = setInterval(() => void this.sweep(), every);
    await informer.start().then(() => this.markSynced(), restart);
  }

  private markSynced(): void {
    this.isSynced = !this.isStopped;
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    this.isSynced = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.informer?.stop();
  }

  /**
   * The pod as the watch last saw it; undefined when the watch is not synced or has
   * not seen it (a pod created a moment ago): the caller then GETs it.
   */
  cached(namespace: string, name: string): V1Pod | undefined {
    if (!this.isSynced) return undefined;
    return this.informer?.get(name, namespace);
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
      await this.deps.clients.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
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
        await this.deps.report(attempt, outcome.exitCode, outcome.message);
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
      await this.deps.onSweep?.();
      await this.sweepOnce(this.informer);
    } finally {
      this.isSweeping = false;
    }
  }

  private async sweepOnce(informer: ObjectCache<V1Pod>): Promise<void> {
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
    for (const name of this.deleted) if (!live.has(name)) this.deleted.delete(name);
    for (const [name, killedAt] of this.killed) {
      if (!live.has(name) && now - killedAt >= KILLED_MEMORY_MS) this.killed.delete(name);
    }
    for (const name of this.reported.keys()) if (!live.has(name)) this.reported.delete(name);
  }
}
