import type { ContainerCreateOptions } from 'dockerode';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import type { StageLaunch } from '../executor.js';
import { imageBuildSecurityOpt } from '../image-build-seccomp.js';
import { memoryBytes, nanoCpus } from '../stage-limits.js';
import { ATTEMPT_LABEL, HELPER_MOUNT, RUN_LABEL, STAGE_LABEL, sandboxPath, WORKSPACE_MOUNT } from '../stage-paths.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cyclone';

/** The settings every stage container gets from the installation (CYCLONE_CONTAINER_*). */
export interface ContainerSettings {
  /** CYCLONE_INSTANCE: tells apart installations that share an engine. */
  instance: string;
  /** Network mode; undefined: the engine's default network. */
  network?: string;
  /** Most processes a stage container may have at once. */
  pidsLimit: number;
  /** Whether the engine flags out-of-memory kills; when not, a SIGKILL at a memory limit is explained as likely one. */
  reportsOomKills: boolean;
  /**
   * Whether a container on another's network namespace keeps an /etc/hosts of its own
   * (Podman) instead of sharing that container's (Docker), and refuses host entries
   * there: the namespace owner's hosts file is then mounted into the others.
   */
  hasOwnHostsFile?: boolean;
  /** The `--security-opt` of image-build stages; default the profile inline (Docker; Podman takes a path). */
  imageBuildSeccomp?: string;
}

/** Every container of an attempt runs detached: its output is read from the engine's log. */
export const DETACHED = { AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false } as const;

/** Deterministic per attempt, so a restarted controller finds the container again. */
/** The labels every container of an attempt carries: who manages it, and its run, stage and attempt. */
export function attemptLabels(
  launch: { runId: string; stage: string; attempt: number },
  settings: { instance: string },
): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [INSTANCE_LABEL]: settings.instance,
    [RUN_LABEL]: launch.runId,
    [STAGE_LABEL]: launch.stage,
    [ATTEMPT_LABEL]: String(launch.attempt),
  };
}

export function containerName(launch: { runId: string; stage: string; attempt: number }): string {
  return `cyclone-${launch.runId}-${launch.stage}-${launch.attempt}`;
}

/** Where an attempt's handle says it runs, and who follows it. */
export interface ContainerHandle {
  host: string;
  apiPid: number;
  /** The ContainerExecutor instance that follows it. */
  instance: string;
  name: string;
}

export function formatHandle(handle: ContainerHandle): string {
  return `docker:${handle.host}:${handle.apiPid}:${handle.instance}:${handle.name}`;
}

export function parseHandle(handle: string | null): ContainerHandle | undefined {
  const match = handle ? /^docker:(.+):(\d+):([0-9a-f-]{36}):(cyclone-[\w.-]+)$/.exec(handle) : null;
  if (!match) return undefined;
  return {
    host: match[1] as string,
    apiPid: Number(match[2]),
    instance: match[3] as string,
    name: match[4] as string,
  };
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/**
 * Kubernetes' rule: an explicit policy wins; else `Always` for `:latest` or no tag
 * (and no digest), `IfNotPresent` for any other tag or a digest.
 */
export function pullPolicyOf(image: string, explicit?: unknown): PullPolicy {
  if (explicit === 'Always' || explicit === 'IfNotPresent' || explicit === 'Never') return explicit;
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The image a stage runs, `:latest` when it names neither tag nor digest (as the Docker CLI reads it). */
export function imageOf(launch: StageLaunch): string {
  const image = launch.image?.trim() ?? '';
  if (image === '') throw new Error('the stage has no image');
  return withDefaultTag(image);
}

/** An image reference with `:latest` when it names neither tag nor digest (a pull without a tag would pull every tag). */
export function withDefaultTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') || image.includes('@') ? image : `${image}:latest`;
}

/**
 * The container of one attempt: the stage's image, command and env only (nothing
 * of the API's environment), the run workspace at /workspace, a private /cyclone
 * for `$CYCLONE_RESULTS`, an init process (so stop reaps every child), the stage's
 * limits, a pids limit, no new privileges and a smaller capability set. Command
 * and args follow Kubernetes: `command` replaces the image's entrypoint.
 */
export function containerSpec(
  launch: StageLaunch,
  paths: { workspace: string; scratch: string },
  settings: ContainerSettings,
  /**
   * `network`: the services' shared namespace (`container:<first service>`), instead of
   * the installation's; `hostsFile`: the owner's /etc/hosts (engine-host path) to mount;
   * `outside`: top-level folders outside /workspace the stage's paths name (outsideFolders).
   */
  options: { network?: string; hostsFile?: string; outside?: readonly string[] } = {},
): ContainerCreateOptions {
  const hasCommand = launch.command.length > 0;
  if (!hasCommand && launch.args.length === 0) throw new Error('the stage has neither command nor args');
  const workingDir = sandboxPath(launch.workingDir ?? WORKSPACE_MOUNT);
  return {
    name: containerName(launch),
    Image: imageOf(launch),
    ...(hasCommand ? { Entrypoint: [...launch.command] } : {}),
    Cmd: [...launch.args],
    WorkingDir: workingDir,
    Env: [
      // The working directory as the stage named it: the engine resolves the resource's
      // link there, and shells print $PWD when it is the same folder.
      `PWD=${workingDir}`,
      ...launch.env.map((e) => `${e.name}=${e.value}`),
      `CYCLONE_RUN_ID=${launch.runId}`,
      `CYCLONE_STAGE=${launch.stage}`,
      `CYCLONE_WORKSPACE=${WORKSPACE_MOUNT}`,
      `CYCLONE_RESULTS=${HELPER_MOUNT}/results`,
    ],
    Labels: attemptLabels(launch, settings),
    ...DETACHED,
    HostConfig: {
      Binds: [
        `${paths.workspace}:${WORKSPACE_MOUNT}`,
        `${paths.scratch}:${HELPER_MOUNT}`,
        ...(options.hostsFile ? [`${options.hostsFile}:/etc/hosts:ro`] : []),
        // A path outside /workspace (the original Cyclone's /go/src/app) is the workspace's
        // folder of that name, as in the host sandbox; /.cyclone too, so that a resource's
        // link there, relative to the workspace root, resolves from that folder.
        ...(options.outside?.length
          ? [
              ...options.outside.map((folder) => `${paths.workspace}/${folder}:/${folder}`),
              `${paths.workspace}/.cyclone:/.cyclone`,
            ]
          : []),
        // Acceleration: the kept folders of the workspace where build tools look for them.
        ...(launch.accelerated?.folders ?? []).map(
          (folder) => `${paths.workspace}/${folder.workspacePath}:${folder.containerPath}`,
        ),
      ],
      ...hardenedHostConfig(launch.limits, settings, options.network, launch.buildsImages === true),
    },
  };
}

/**
 * The isolation every container that runs a stage's work gets (the stage's own, its
 * resolvers'): an init process, no new privileges, a smaller capability set, the pids
 * limit, the stage's cpu and memory limits, the installation's network (or `network`).
 */
export function hardenedHostConfig(
  limits: StageLaunch['limits'],
  settings: ContainerSettings,
  network = settings.network,
  /** An image-build stage (domain image-builds.ts): its seccomp profile, and CAP_SETFCAP kept. */
  buildsImages = false,
): NonNullable<ContainerCreateOptions['HostConfig']> {
  const cpu = limits?.cpu ? nanoCpus(limits.cpu) : undefined;
  const memory = limits?.memory ? memoryBytes(limits.memory) : undefined;
  return {
    Init: true,
    Privileged: false,
    SecurityOpt: [
      'no-new-privileges',
      ...(buildsImages ? [settings.imageBuildSeccomp ?? imageBuildSecurityOpt()] : []),
    ],
    CapDrop: ['NET_RAW', 'MKNOD', 'AUDIT_WRITE', ...(buildsImages ? [] : ['SETFCAP'])],
    PidsLimit: settings.pidsLimit,
    ...(cpu ? { NanoCpus: cpu } : {}),
    // Swap as large as memory: the limit is the limit.
    ...(memory ? { Memory: memory, MemorySwap: memory } : {}),
    ...(network ? { NetworkMode: network } : {}),
    LogConfig: { Type: 'json-file', Config: {} },
  };
}

/** Why an attempt's container ended, in the stage message's words. */
export function exitMessage(
  state: { exitCode: number; isOomKilled: boolean; wasKilled: boolean; reportsOomKills?: boolean },
  memory?: string,
) {
  if (state.isOomKilled) {
    return `killed: out of memory${memory ? ` (limit ${memory})` : ''}; exit code ${state.exitCode}`;
  }
  if (state.reportsOomKills === false && memory && state.exitCode === 137 && !state.wasKilled) {
    return `killed (SIGKILL) at its memory limit ${memory}: most likely out of memory (the engine does not say); exit code 137`;
  }
  if (state.wasKilled) return 'killed';
  return state.exitCode === 0 ? '' : `exited with code ${state.exitCode}`;
}
