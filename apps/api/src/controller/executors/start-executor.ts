import type { Config } from '../../config/config.js';
import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import type { Logger } from '../../logging/logger.js';
import type { ArtifactStore } from '../../modules/artifacts/artifact-store.js';
import type { SecretBox } from '../../modules/integrations/secret-box.js';
import { chooseExecutor, dockerClient, probeEngine } from './choose-executor.js';
import { ContainerExecutor } from './container/container-executor.js';
import type { Executor, ExecutorKind, ExitSink } from './executor.js';
import { HostExecutor } from './host-executor.js';
import { describeIsolation, type HostIsolationKind } from './host-isolation.js';
import { imageBuildSecurityOptFile } from './image-build-seccomp.js';
import { startKubernetesExecutor } from './kubernetes/start-kubernetes-executor.js';
import { detectHostIsolation } from './sandbox.js';
import { runFolders } from './stage-paths.js';

/** What the chosen executor is, for the boot log, /healthz and the overview. */
export interface ExecutorStatus {
  kind: ExecutorKind;
  /** Why this one (CYCLONE_EXECUTOR, or what `auto` found). */
  reason: string;
  /** Where stages run, e.g. "container engine 20.10.24 at /var/run/docker.sock". */
  detail: string;
  /** Host executor: how stages are isolated on this machine (host-isolation.ts). */
  isolation?: HostIsolationKind;
  /** Host executor as root: the user stages run as. */
  user?: string;
  /** Said loudly (log, /healthz, a web banner) when stages are weakly isolated or refused. */
  warning?: string;
}

/**
 * Builds the executor CYCLONE_EXECUTOR asks for (choose-executor.ts) and says which
 * it is. Run workspaces live under the data dir whichever runs stages (retention
 * removes them through `workspaceOf`).
 */
export async function startExecutor(deps: {
  config: Config;
  db: Db;
  /** Plain pg for stored log lines (see PlainSql). */
  sql: PlainSql;
  logger: Logger;
  box: SecretBox;
  store: ArtifactStore;
  onExit: ExitSink;
}): Promise<{
  executor: Executor;
  status: ExecutorStatus;
  workspaceOf: (runId: string) => string;
  pullsOf: (runId: string) => string;
}> {
  const { config, db, sql, logger, store, onExit } = deps;
  const dataDir = config.database.dataDir;
  const { workspaceOf, pullsOf } = runFolders(dataDir);
  const engine = dockerClient(config.containers.dockerHost);
  const mayUseEngine =
    config.engine.executor === 'container' || (config.engine.executor === 'auto' && !config.kubernetes);
  // An engine asked for by name may be slow to answer on a busy machine (Podman starts
  // its service on the first call); `auto` only checks whether one is there.
  const probe = mayUseEngine
    ? await probeEngine(engine.docker, config.engine.executor === 'container' ? 30_000 : 5_000)
    : undefined;
  const choice = chooseExecutor({
    requested: config.engine.executor,
    hasCluster: config.kubernetes !== undefined,
    engine: {
      answers: probe?.answers === true,
      where: engine.where,
      ...(probe && !probe.answers ? { error: probe.error } : {}),
    },
  });
  let executor: Executor;
  let detail: string;
  let hostIsolation: Pick<ExecutorStatus, 'isolation' | 'user' | 'warning'> = {};
  if (choice.kind === 'kubernetes' && config.kubernetes) {
    executor = startKubernetesExecutor({
      config: config.kubernetes,
      outputLimits: config.engine.outputLimits,
      db,
      sql,
      logger,
      box: deps.box,
      onExit,
    });
    detail = 'stage pods in the control cluster and its execution clusters';
  } else if (choice.kind === 'container') {
    executor = new ContainerExecutor({
      db,
      sql,
      logger: logger.child({ component: 'container-executor' }),
      docker: engine.docker,
      dataDir,
      store,
      onExit,
      outputLimits: config.engine.outputLimits,
      cacheMaxBytes: config.engine.cacheMaxBytes,
      settings: {
        instance: config.containers.instance,
        network: config.containers.network,
        pidsLimit: config.containers.pidsLimit,
        // Podman 4 does not flag out-of-memory kills (State.OOMKilled stays false).
        reportsOomKills: !(probe?.answers && probe.isPodman),
        // Podman gives each container its own /etc/hosts, also on another's network namespace.
        hasOwnHostsFile: probe?.answers === true && probe.isPodman,
        ...(probe?.answers && probe.isPodman ? { imageBuildSeccomp: imageBuildSecurityOptFile(dataDir) } : {}),
      },
    });
    detail = `container engine ${probe?.answers ? probe.version : ''} at ${engine.where}`.replace('  ', ' ');
  } else {
    // How this machine isolates stages (bubblewrap, a stage user, or nothing), said loudly when weak.
    const isolation = await detectHostIsolation({
      host: config.server.host,
      executor: config.engine.executor,
      dataDir,
      logger: logger.child({ component: 'host-executor' }),
    });
    executor = new HostExecutor({
      db,
      sql,
      logger,
      dataDir,
      store,
      onExit,
      isolation,
      outputLimits: config.engine.outputLimits,
      cacheMaxBytes: config.engine.cacheMaxBytes,
    });
    const described = describeIsolation(isolation);
    hostIsolation = {
      isolation: described.isolation,
      ...(described.user ? { user: described.user } : {}),
      ...(isolation.refusal || isolation.warning ? { warning: isolation.refusal ?? isolation.warning } : {}),
    };
    detail =
      isolation.isolation === 'bubblewrap'
        ? `processes on this machine, each in a bubblewrap sandbox${described.user ? ` as ${described.user}` : ''}`
        : `processes on this machine${described.user ? ` as ${described.user}` : ''}, without a sandbox`;
  }
  const status: ExecutorStatus = { kind: choice.kind, reason: choice.reason, detail, ...hostIsolation };
  logger.info({ executor: status }, `stages run on the ${choice.kind} executor (${choice.reason})`);
  return { executor, status, workspaceOf, pullsOf };
}
