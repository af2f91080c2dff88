import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { OutputLimits } from '@cyclone/domain/core';
import type Docker from 'dockerode';
import type { PlainSql } from '../../../db/plain-sql.js';
import type { Db } from '../../../db/prisma.js';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import type { Logger } from '../../../logging/logger.js';
import type { ArtifactStore } from '../../../modules/artifacts/artifact-store.js';
import { isProcessAlive } from '../../../system/process-alive.js';
import {
  type AttemptObservation,
  type Executor,
  type ExitSink,
  executorRefusal,
  type RunningAttempt,
  type StageExit,
  type StageLaunch,
} from '../executor.js';
import { ATTEMPT_LABEL, RUN_LABEL, runFolders, STAGE_LABEL } from '../stage-paths.js';
import { ContainerAttempt } from './container-attempt.js';
import { removeServices } from './container-services.js';
import {
  type ContainerSettings,
  containerName,
  formatHandle,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  parseHandle,
} from './container-spec.js';
import { removeResolvers } from './resolver-containers.js';
import { SERVICE_OF_LABEL } from './service-spec.js';

/** How often containers nobody wants any more are looked for (and once at start). */
const SWEEP_INTERVAL_MS = 60_000;

/** Executor instances alive in this process: handles of stopped ones are taken over. */
const liveInstances = new Set<string>();

export interface ContainerExecutorOptions {
  db: Db;
  /** Plain pg for stored log lines (see PlainSql). */
  sql: PlainSql;
  logger: Logger;
  docker: Docker;
  /** Workspaces (`workspaces/<run>`, shared with retention) and attempt folders (`containers/<name>`). */
  dataDir: string;
  store: ArtifactStore;
  onExit: ExitSink;
  settings: ContainerSettings;
  /** What a stage may print and leave in $CYCLONE_RESULTS (config `engine.outputLimits`); the defaults when absent. */
  outputLimits?: OutputLimits;
  /** What one tenant's stage caches may take in all (config `engine.cacheMaxBytes`). */
  cacheMaxBytes?: number;
}

/**
 * Runs each attempt as a container of its image through a Docker Engine API
 * (Docker, or Podman's compatible socket). The handle is
 * `docker:<host>:<api pid>:<instance>:<container name>`; the name is derived from
 * the attempt, so containers outlive the API: a controller that finds a running
 * attempt whose follower is gone (`observe`) takes it over, resumes its log from
 * the last stored line and records its exit. What an attempt does, step by step:
 * container-attempt.ts. docs/engine.md, "Container executor".
 */
export class ContainerExecutor implements Executor {
  readonly kind = 'container';
  private readonly instance = randomUUID();
  private readonly host = hostname();
  /** Attempts this instance follows, by container name. */
  private readonly attempts = new Map<string, ContainerAttempt>();
  private readonly sweeper: NodeJS.Timeout;
  private isShuttingDown = false;

  constructor(private readonly deps: ContainerExecutorOptions) {
    liveInstances.add(this.instance);
    this.sweeper = setInterval(() => this.sweepSoon(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.sweepSoon();
  }

  /** Returns the handle at once; preparing inputs, pulling and starting go on in the background. */
  start(launch: StageLaunch): string {
    const refusal = executorRefusal('container', launch);
    if (refusal) throw new Error(refusal);
    const name = containerName(launch);
    this.follow(name, (attempt) => attempt.runNew(launch));
    return this.handleOf(name);
  }

  /** Removes the container (SIGKILL) of a handle, whoever follows it; unknown handles are ignored. */
  kill(handle: string | null, options: { isRecorded?: boolean } = {}): void {
    const parsed = parseHandle(handle);
    if (!parsed) return;
    const attempt = this.attempts.get(parsed.name);
    if (attempt) {
      attempt.kill(options.isRecorded === true);
      return;
    }
    this.deps.docker
      .getContainer(parsed.name)
      .remove({ force: true })
      .catch(() => undefined)
      .then(() => removeResolvers(this.deps.docker, parsed.name))
      .catch(() => undefined)
      .then(() => removeServices(this.deps.docker, parsed.name))
      .catch(() => undefined);
  }

  readonly needsPullCredentials = true;

  /** Only a handle of another kind (or none) is an orphan: a container handle is taken over by `observe`. */
  isOrphan(handle: string | null): boolean {
    return parseHandle(handle) === undefined;
  }

  /**
   * Nothing to say while this instance (or another live controller on this host)
   * follows the attempt. Else the follower is gone: a container still there is
   * taken over (its new handle is stored), one that was never created fails.
   */
  async observe(attempt: RunningAttempt): Promise<AttemptObservation | undefined> {
    const parsed = parseHandle(attempt.handle);
    if (!parsed || this.isShuttingDown || this.attempts.has(parsed.name)) return undefined;
    if (this.isFollowedElsewhere(parsed)) return undefined;
    const found = await this.deps.docker
      .getContainer(parsed.name)
      .inspect()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode === 404) return undefined;
        throw error;
      });
    if (!found) {
      // Its services may have started before the controller stopped.
      await removeServices(this.deps.docker, parsed.name).catch(() => undefined);
      return {
        exit: {
          ...attempt,
          exitCode: null,
          message: 'the container was never started: its controller stopped while preparing it',
          outputs: [],
        } satisfies StageExit,
      };
    }
    this.deps.logger.info({ container: parsed.name }, 'taking over a stage container whose controller stopped');
    this.follow(parsed.name, (taken) => taken.resume(attempt));
    return { handle: this.handleOf(parsed.name) };
  }

  /**
   * Stops following: containers keep running and the next controller takes them
   * over; attempts still preparing are abandoned (the next controller fails them).
   */
  async shutdown(): Promise<void> {
    this.isShuttingDown = true;
    liveInstances.delete(this.instance);
    clearInterval(this.sweeper);
    await Promise.all([...this.attempts.values()].map((attempt) => attempt.detach()));
  }

  private follow(name: string, begin: (attempt: ContainerAttempt) => Promise<StageExit | undefined>): void {
    const attempt = new ContainerAttempt(name, { ...this.deps, ...runFolders(this.deps.dataDir) });
    this.attempts.set(name, attempt);
    begin(attempt)
      .then(async (exit) => {
        if (exit && !this.isShuttingDown) await this.deps.onExit(exit);
      })
      .catch((error: unknown) => this.deps.logger.error({ err: error, container: name }, 'stage container failed'))
      .finally(() => this.attempts.delete(name));
  }

  private handleOf(name: string): string {
    return formatHandle({ host: this.host, apiPid: process.pid, instance: this.instance, name });
  }

  /** Another live process follows it: one on another host (its own business) or a live one here. */
  private isFollowedElsewhere(handle: { host: string; apiPid: number; instance: string }): boolean {
    if (handle.host !== this.host) return true;
    if (handle.apiPid === process.pid) return liveInstances.has(handle.instance) && handle.instance !== this.instance;
    return isProcessAlive(handle.apiPid);
  }

  private sweepSoon(): void {
    this.sweep().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'stage container sweep failed'));
  }

  /**
   * Removes this installation's stage containers whose attempt is no longer running
   * (stopped, lost, old). Younger ones than `minAgeMs` are left: their attempt's
   * claim may not have committed yet.
   */
  async sweep(options: { minAgeMs?: number } = {}): Promise<number> {
    const found = await this.deps.docker.listContainers({
      all: true,
      filters: { label: [`${MANAGED_BY_LABEL}=${MANAGED_BY}`, `${INSTANCE_LABEL}=${this.deps.settings.instance}`] },
    });
    const youngest = (Date.now() - (options.minAgeMs ?? SWEEP_INTERVAL_MS)) / 1000;
    const candidates = found.filter(
      (c) => c.Created <= youngest && !(c.Names ?? []).some((n) => this.attempts.has(n.replace(/^\//, ''))),
    );
    if (candidates.length === 0) return 0;
    const running = await this.deps.db.stageRun.findMany({
      where: { phase: 'RUNNING', runId: { in: [...new Set(candidates.map((c) => c.Labels[RUN_LABEL] ?? ''))] } },
      select: { runId: true, stage: true, attempt: true },
    });
    const wanted = new Set(running.map((r) => `${r.runId}/${r.stage}/${r.attempt}`));
    let removed = 0;
    // Services go per attempt, in the order their shared network namespace needs.
    const servicesOf = new Set<string>();
    for (const container of candidates) {
      const labels = container.Labels;
      if (wanted.has(`${labels[RUN_LABEL]}/${labels[STAGE_LABEL]}/${labels[ATTEMPT_LABEL]}`)) continue;
      const serviceOf = labels[SERVICE_OF_LABEL];
      if (serviceOf) {
        servicesOf.add(serviceOf);
        continue;
      }
      await this.deps.docker
        .getContainer(container.Id)
        .remove({ force: true })
        .then(() => (removed += 1))
        .catch(() => undefined);
      await rm(join(this.deps.dataDir, 'containers', (container.Names?.[0] ?? '').replace(/^\//, '') || container.Id), {
        recursive: true,
        force: true,
      });
    }
    for (const attempt of servicesOf) removed += await removeServices(this.deps.docker, attempt);
    if (removed > 0) this.deps.logger.info({ removed }, 'removed stage containers of attempts that ended');
    return removed;
  }
}
