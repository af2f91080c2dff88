// The executor contract: everything the run reconciler and an executor exchange.
// Adding an executor means implementing `Executor` over these types (docs/architecture.md).
import type { RunVolume, StageCache, StageService } from '@cyclone/domain';
import type { CacheScope } from './stage-caches.js';
import type { ArtifactInput, ResourcePull } from './stage-inputs.js';

export type { CacheScope } from './stage-caches.js';
export type { ArtifactInput, ResourcePull } from './stage-inputs.js';

/** One attempt of a stage, fully resolved (values substituted, secrets opened) and ready to start. */
export interface StageLaunch {
  runId: string;
  stage: string;
  attempt: number;
  command: readonly string[];
  args: readonly string[];
  env: readonly { name: string; value: string }[];
  /** A path in the run workspace (relative to it, or under `/workspace`). */
  workingDir?: string;
  /** The seq of the stage's first line in this attempt (earlier attempts keep theirs). */
  firstSeq: number;
  /** Values masked as `***` in the stored log lines. */
  secrets?: readonly string[];
  /** Pulled (once per run) and placed before the command starts. */
  resources?: readonly ResourcePull[];
  /** Restored from the artifact store before the command starts. */
  artifacts?: readonly ArtifactInput[];
  /** The stage's image with `${…}` values substituted (the host executor ignores it). */
  image?: string;
  /**
   * Restored after the inputs are placed, saved when the attempt exits 0 (stage-caches.ts);
   * run values substituted in keys, `${hashFiles(…)}` left for the executor, which sees the workspace.
   */
  caches?: readonly StageCache[];
  /** The tenant whose caches the stage uses. */
  cacheScope?: CacheScope;
  /** Copied into the artifact store when the attempt exits 0. */
  outputArtifacts?: readonly { name: string; path: string }[];
  /** The workload's `resources.limits` (Kubernetes quantities), for executors that apply them themselves. */
  limits?: { cpu?: string; memory?: string };
  /** The workload's `imagePullPolicy`, when the stage sets one (else Kubernetes' default rule). */
  pullPolicy?: string;
  /**
   * The stage builds images (domain image-builds.ts: its workload names the image-build
   * seccomp profile): the container executor applies that profile itself; pods carry it.
   */
  buildsImages?: boolean;
  /** Credentials for pulling the image: the tenant's registry integration of the image's registry. */
  pullAuth?: { server: string; username: string; password: string };
  /** Containers started (and ready) before the stage's own, reachable from it by name, ended with it. */
  services?: readonly StageService[];
  /**
   * Acceleration (domain acceleration.ts): workspace folders the stage sees as its build
   * tools' home folders: at `containerPath` in a container or pod, under $HOME (that
   * home) as a host process. Their cache is among `caches`.
   */
  accelerated?: { home: string; folders: readonly { workspacePath: string; containerPath: string }[] };
  /**
   * A retry's original run (retryWorkflowRun): its workspace starts as a copy of that
   * run's, so what the reused stages left there is at hand (seed-workspace.ts).
   */
  retryOf?: { runId: string; number: number };
  /**
   * The run's service account (the original's WorkflowRun spec.serviceAccount): its pods
   * run as it, with its API token, when a platform admin granted it to stages; an executor
   * that runs no pods refuses the attempt.
   */
  serviceAccount?: string;
  /** The run's volumes (the original's WorkflowRun spec.volumes): mounted in its pods; refused elsewhere. */
  volumes?: readonly RunVolume[];
  /**
   * Resources a resolver image pulls before the command starts (after the other inputs)
   * and pushes after it exited 0, in the stage's order: the original's protocol
   * (docs/workflows.md, "Resource types"). An executor that runs no containers refuses them.
   */
  resolvers?: readonly ResolverRun[];
  /**
   * Http resources the stage gives: sent after it exited 0 (after the resolvers' pushes;
   * on Kubernetes before them, by the helper through the API: a failed send pushes nothing).
   */
  httpPushes?: readonly HttpPush[];
}

/**
 * A resource a resolver image pulls or pushes. The image runs with its own entrypoint
 * and one argument, `pull` or `push`; `$WORKDIR/data` is the resource's data (the
 * stage's input path for a pull, the output path for a push) and, for a push,
 * `$WORKDIR/notify/ok` exists (the original's signal that the data is ready). A
 * non-zero exit fails the attempt.
 */
export interface ResolverRun {
  /** The resource's name. */
  name: string;
  operation: 'pull' | 'push';
  image: string;
  /** A path in the run workspace (relative to it, or under `/workspace`; see workspacePath). */
  path: string;
  /**
   * Its parameters (run overrides and integration bindings applied) and the original's
   * WORKFLOW_NAME, WORKFLOWRUN_NAME, STAGE_NAME, METADATA_NAMESPACE; WORKDIR is the executor's.
   */
  env: readonly { name: string; value: string }[];
}

/** An Http resource's push: the files at `path` sent as one tar archive in a multipart form. */
export interface HttpPush {
  name: string;
  /** A path in the run workspace (relative to it, or under `/workspace`). */
  path: string;
  url: string;
  method: 'POST' | 'PUT';
  headers: readonly { name: string; value: string }[];
  /** The form field of the archive, and its file name. */
  formFileKey: string;
  fileName: string;
}

/** Where resolver images look for their data, in a container (the original's default workspace was /workspace). */
export const RESOLVER_WORKDIR = '/cyclone/resolver';

/**
 * Why an executor that runs no pods refuses an attempt: the run has Kubernetes-only
 * settings (a service account, volumes), or, on the host, a resource a resolver image
 * handles; undefined when it can run it.
 */
export function executorRefusal(executor: 'host' | 'container', launch: StageLaunch): string | undefined {
  const resolver = executor === 'host' ? launch.resolvers?.[0] : undefined;
  if (resolver) {
    return `the host executor runs no containers, so resource "${resolver.name}" (resolved by the image ${resolver.image}) cannot be ${resolver.operation === 'pull' ? 'pulled' : 'pushed'}: use the container or Kubernetes executor`;
  }
  const wanted = launch.serviceAccount
    ? "the run's service account (spec.serviceAccount)"
    : launch.volumes?.length
      ? "the run's volumes (spec.volumes)"
      : undefined;
  return (
    wanted && `the ${executor} executor runs no Kubernetes pods, so ${wanted} cannot apply: use the Kubernetes executor`
  );
}

/** How an attempt ended, as an executor reports it. */
export interface StageExit {
  runId: string;
  stage: string;
  attempt: number;
  /** null: it never ran to an exit of its own (not started, lost, killed before the command). */
  exitCode: number | null;
  /** Why it ended, for the stage row (empty on success). */
  message: string;
  outputs: { key: string; value: string }[];
}

/** A running attempt as the reconciler knows it. */
export interface RunningAttempt {
  runId: string;
  stage: string;
  attempt: number;
  handle: string | null;
  message: string;
  /** When it started: its process may still be being started by another controller just after. */
  startedAt?: Date | null;
}

/** What a level-triggered look at a running attempt found. */
export interface AttemptObservation {
  /** The attempt ended: record this exit (as if reported by the executor). */
  exit?: StageExit;
  /** Still running, with this explanation for the stage message (e.g. unschedulable). */
  message?: string;
  /** Still running, now followed by this executor under a new handle (a container taken over after a restart). */
  handle?: string;
}

/** A run's state as the executor may mirror it (Kubernetes: the WorkflowRun status). */
export interface RunSummary {
  phase: 'PENDING' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  message: string;
  /** Stages that ended (succeeded, failed, cancelled or skipped) and all stages. */
  finishedStages: number;
  totalStages: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What every executor is given: where it reports the end of an attempt. */
export type ExitSink = (exit: StageExit) => Promise<void>;

/**
 * Where stages run. The run reconciler drives any executor the same way: it starts
 * an attempt once its stage row is RUNNING (the handle is stored with it), kills the
 * handle on stop and timeout, and learns how an attempt ended from the exit sink
 * (pushed by the executor) or from `observe` (pulled on each pass, so a missed
 * notification changes nothing). Implementations: `HostExecutor` (processes on this
 * machine), `ContainerExecutor` (a Docker Engine API), `KubernetesExecutor` (pods).
 */
export interface Executor {
  /** Short name shown at boot, in /healthz and on the overview: `host`, `container`, `kubernetes`. */
  readonly kind: ExecutorKind;
  /** True when it pulls images itself and wants `StageLaunch.pullAuth` (one more query per start otherwise saved). */
  readonly needsPullCredentials?: boolean;
  /** Starts an attempt and returns its handle; throws when it cannot start. */
  start(launch: StageLaunch): string | Promise<string>;
  /**
   * Ends an attempt at once (stop, timeout); unknown or foreign handles are ignored.
   * `isRecorded`: the caller records the attempt's end in its own transaction, so
   * the executor need not report the exit (a stop of 200 stages then costs no 200
   * exit transactions); if that transaction does not commit, the next pass, which
   * decides the same kill from the stored state, records it.
   */
  kill(handle: string | null, options?: { isRecorded?: boolean }): void;
  /** True when nobody can report this handle's exit any more (the attempt then fails). */
  isOrphan(handle: string | null): boolean;
  /** Looks at a running attempt now; undefined when there is nothing new. */
  observe?(attempt: RunningAttempt): Promise<AttemptObservation | undefined>;
  /** The run's phase changed in a committed pass (Kubernetes mirrors it in the WorkflowRun resource). */
  runPhaseChanged?(runId: string, summary: RunSummary): Promise<void>;
  /** Stops following attempts; what keeps running on its own (pods, containers) is left to the next controller. */
  shutdown(): Promise<void>;
}

export type ExecutorKind = 'host' | 'container' | 'kubernetes';
