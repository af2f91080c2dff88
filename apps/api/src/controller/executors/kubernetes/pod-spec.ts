import {
  checkPodSpecExtras,
  normalizeCachePath,
  type RunVolume,
  type StageCache,
  type StageService,
} from '@cyclone/domain';
import type { OutputLimits } from '@cyclone/domain/core';
import { CYCLONE_API_VERSION, LABELS, MANAGED_BY, type V1Container, type V1HostAlias, type V1Pod } from '@cyclone/k8s';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import type { ResolverRun, StageLaunch } from '../executor.js';
import { isWorkloadLeftovers } from '../stage-limits.js';
import {
  ATTEMPT_LABEL,
  HELPER_MOUNT,
  outsideFolders,
  RUN_LABEL,
  STAGE_LABEL,
  sandboxPath,
  WORKSPACE_MOUNT,
  workspaceSubpath,
} from '../stage-paths.js';
import { keptMountPath, keptResourceMounts, keptResourceVolumes } from './kept-resource-volumes.js';
import {
  HELPER_NOTIFY_MOUNT,
  NOTIFY_VOLUME,
  pushesCancelledProbe,
  RESOLVERS_ANNOTATION,
  resolverContainerInfos,
  resolverContainers,
} from './pod-resolvers.js';
import { runPodVolumes, runVolumeMounts } from './run-volume-mounts.js';
import { serviceContainers, serviceHostAliases } from './service-containers.js';
import { credentialKey, envKey, MASK_KEY, secretArgKey, TOKEN_KEY } from './stage-secret.js';

export { ATTEMPT_LABEL, HELPER_MOUNT, RUN_LABEL, STAGE_LABEL, WORKSPACE_MOUNT } from '../stage-paths.js';
export { credentialKey, envKey, MASK_KEY, secretArgKey, stageSecretData, TOKEN_KEY } from './stage-secret.js';
export const WORKLOAD_CONTAINER = 'main';
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
export const HELPER_CONTAINER = 'helper';
export const INPUTS_CONTAINER = 'inputs';

/**
 * The workload's command runs under /bin/sh, which keeps its stdout and stderr in
 * files the helper ships line by line and records the exit code; the container
 * still exits with the command's code (that is what the stage reports).
 */
export const WORKLOAD_WRAPPER =
  `"$@" >>${HELPER_MOUNT}/stdout 2>>${HELPER_MOUNT}/stderr; code=$?; ` +
  `echo "$code" >${HELPER_MOUNT}/exit; exit "$code"`;

/**
 * Grace period of pods with output artifacts: after the workload exits the kubelet
 * stops the helper sidecar, which still uploads them (a stop deletes with grace 0).
 */
export const ARTIFACT_UPLOAD_SECONDS = 600;

type PodVolumes = NonNullable<NonNullable<V1Pod['spec']>['volumes']>;

export interface RunObjectNames {
  tenant: string;
  project: string;
  workflow: string;
  /** The WorkflowRun custom resource (and label value). */
  run: string;
  instance: string;
}

/** The attempt's pod: its launch's fields as the executor contract describes them, and the pod's own. */
export interface StagePodInput
  extends Pick<
    StageLaunch,
    | 'runId'
    | 'stage'
    | 'attempt'
    | 'command'
    | 'args'
    | 'env'
    | 'workingDir'
    | 'firstSeq'
    | 'resources'
    | 'artifacts'
    | 'outputArtifacts'
  > {
  /** Acceleration: workspace folders mounted where build tools look for them (/root/.m2…). */
  accelerated?: StageLaunch['accelerated'];
  namespace: string;
  podName: string;
  names: RunObjectNames;
  /** uid of the WorkflowRun custom resource: the pod's owner (none in a worker cluster). */
  runUid?: string;
  image: string;
  /** Restored by the inputs container (keys evaluated there), saved by the helper after a zero exit. */
  caches?: readonly StageCache[];
  /** Claim of the run's shared workspace; absent: a volume of this pod alone. */
  workspaceClaim?: string;
  /**
   * Secret of this attempt holding what must not appear in the pod spec (its stage
   * token, env values that contain secrets, resource credentials, the values to mask);
   * see stageSecretData. Anyone who may read pods reads their specs: none of that is there.
   */
  secretName: string;
  /** Names of env entries whose value comes from that Secret. */
  secretEnv?: ReadonlySet<string>;
  /** Secret values that occur in the command or args, in the order of their Secret keys (stageSecretData). */
  secretArgs?: readonly string[];
  helperImage: string;
  apiUrl: string;
  /** What the stage may print and leave in $CYCLONE_RESULTS; the helper's defaults when absent. */
  outputLimits?: OutputLimits;
  serviceAccountName: string;
  /** The run's own service account (granted by a platform admin): its API token is mounted. */
  mountsApiToken?: boolean;
  /** The run's volumes (WorkflowRun spec.volumes), checked against Cyclone's own objects before. */
  runVolumes?: readonly RunVolume[];
  /** Installation-wide pod settings (e.g. nodeSelector, tolerations); the stage's own win. */
  podDefaults?: Record<string, unknown>;
  /**
   * The tenant namespace's Pod Security level. RESTRICTED (the default): every
   * container without privilege escalation or capabilities, the pod as a non-root
   * user under the runtime's seccomp profile, as that level demands.
   */
  podSecurity?: 'RESTRICTED' | 'BASELINE';
  /** The rest of a PodSpec from the stage (volumes, more containers…). */
  podSpecExtras?: Record<string, unknown>;
  annotations?: Record<string, string>;
  /** The stage's services: native sidecars started after the inputs, before the workload. */
  services?: readonly StageService[];
  /** Resources resolver images pull (init containers) and push (beside the workload): pod-resolvers.ts. */
  resolvers?: readonly ResolverRun[];
  /** Keys of resolver env values kept in the attempt's Secret (stageSecretData). */
  resolverSecretKeys?: ReadonlySet<string>;
  /** Http resources the helper streams to the API after a zero exit (their URL and headers stay in the API). */
  httpPushes?: readonly { name: string; path: string }[];
}

export function runLabels(names: RunObjectNames): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [INSTANCE_LABEL]: names.instance,
    [LABELS.tenant]: names.tenant,
    [LABELS.project]: names.project,
    [LABELS.workflow]: names.workflow,
    [RUN_LABEL]: names.run,
  };
}

/** The owner reference of a run's objects in the control cluster: its WorkflowRun resource. */
export function runOwner(names: RunObjectNames, runUid: string) {
  return [
    {
      apiVersion: CYCLONE_API_VERSION,
      kind: 'WorkflowRun',
      name: names.run,
      uid: runUid,
      controller: true,
      blockOwnerDeletion: false,
    },
  ];
}

/**
 * A stage path as the helper containers, which mount only the workspace, see it:
 * relative paths are inside it, and a path outside it (the original Cyclone's
 * /go/src/app) is the workspace's folder of that name (`/workspace/go/src/app`),
 * which the workload sees at `/go` (see outsideMounts). System folders are refused.
 */
export const podPath = (path: string): string => {
  const subpath = workspaceSubpath(path);
  return subpath === '.' ? WORKSPACE_MOUNT : `${WORKSPACE_MOUNT}/${subpath}`;
};

/** The workload's mounts of the workspace folders its paths name outside /workspace (`/go` ← `go`). */
function outsideMounts(paths: readonly string[]) {
  return outsideFolders(paths).map((folder) => ({ name: 'workspace', mountPath: `/${folder}`, subPath: folder }));
}

/** The helper's output limits, in bytes (the stage helper's main.ts reads them). */
const outputLimitsEnv = (limits: OutputLimits) => [
  { name: 'CYCLONE_LOG_LINE_MAX_BYTES', value: String(limits.maxLineBytes) },
  { name: 'CYCLONE_LOG_MAX_BYTES', value: String(limits.maxLogBytes) },
  { name: 'CYCLONE_RESULTS_MAX_BYTES', value: String(limits.maxResultsBytes) },
];
const secretArgEnv = (index: number) => `CYCLONE_SECRET_ARG_${index}`;

/**
 * The workload's command and args as the kubelet must see them. Kubernetes expands
 * `$(NAME)` and turns `$$` into `$` in command and args; the other executors do
 * neither, so every `$` is escaped (a script's `$$` stays the shell's PID). A secret
 * value is replaced by `$(CYCLONE_SECRET_ARG_<i>)`, which the kubelet fills from the
 * attempt's Secret: the pod spec never holds it.
 */
export function kubernetesProgram(program: readonly string[], secretArgs: readonly string[]): string[] {
  return program.map((entry) => {
    let text = entry.split('$').join('$$');
    secretArgs.forEach((secret, index) => {
      text = text.split(secret.split('$').join('$$')).join(`$(${secretArgEnv(index)})`);
    });
    return text;
  });
}

/**
 * The stage pod of one attempt: helper sidecar (native: an init container with
 * restartPolicy Always, so it starts first and is stopped when the workload ends),
 * the inputs init container when there are resources or artifacts to place, and the
 * workload. Pure: the same input gives the same pod.
 */
export function buildStagePod(input: StagePodInput): V1Pod {
  const program = kubernetesProgram([...input.command, ...input.args], input.secretArgs ?? []);
  if (program.length === 0) throw new Error('the stage has neither command nor args');
  const workingDir = podPath(input.workingDir ?? WORKSPACE_MOUNT);
  const outside = outsideMounts([
    input.workingDir ?? WORKSPACE_MOUNT,
    ...(input.resources ?? []).map((r) => r.path),
    ...(input.artifacts ?? []).map((a) => a.path),
    ...(input.outputArtifacts ?? []).map((o) => o.path),
  ]);
  const mounts = [
    { name: 'workspace', mountPath: WORKSPACE_MOUNT },
    { name: 'cyclone', mountPath: HELPER_MOUNT },
  ];
  // The run's own volumes (WorkflowRun spec.volumes), in the containers of their group.
  const runVolumes = input.runVolumes ?? [];
  const sidecarVolumeMounts = runVolumeMounts(runVolumes, 'Sidecar');
  const sidecarMounts = [...mounts, ...sidecarVolumeMounts];
  const secretRef = (key: string) => ({
    valueFrom: { secretKeyRef: { name: input.secretName, key } },
  });
  const common = [
    { name: 'CYCLONE_RUN_ID', value: input.runId },
    { name: 'CYCLONE_STAGE', value: input.stage },
    { name: 'CYCLONE_WORKSPACE', value: WORKSPACE_MOUNT },
    { name: 'CYCLONE_RESULTS', value: `${HELPER_MOUNT}/results` },
  ];
  const resolvers = input.resolvers ?? [];
  const httpPushes = input.httpPushes ?? [];
  const hasPushes = resolvers.some((r) => r.operation === 'push');
  const helper: V1Container = {
    name: HELPER_CONTAINER,
    image: input.helperImage,
    args: ['sidecar'],
    restartPolicy: 'Always',
    env: [
      ...common,
      { name: 'CYCLONE_API_URL', value: input.apiUrl },
      { name: 'CYCLONE_STAGE_TOKEN', ...secretRef(TOKEN_KEY) },
      { name: 'CYCLONE_FIRST_SEQ', value: String(input.firstSeq) },
      {
        name: 'CYCLONE_OUTPUT_ARTIFACTS',
        value: JSON.stringify((input.outputArtifacts ?? []).map((a) => ({ name: a.name, path: podPath(a.path) }))),
      },
      { name: 'CYCLONE_MASK', ...secretRef(MASK_KEY) },
      ...(input.outputLimits ? outputLimitsEnv(input.outputLimits) : []),
      ...(httpPushes.length > 0
        ? [
            {
              name: 'CYCLONE_HTTP_PUSHES',
              value: JSON.stringify(httpPushes.map((p) => ({ name: p.name, path: podPath(p.path) }))),
            },
          ]
        : []),
      ...(hasPushes ? [{ name: 'CYCLONE_NOTIFY_DIR', value: HELPER_NOTIFY_MOUNT }] : []),
    ],
    volumeMounts: hasPushes
      ? [...sidecarMounts, { name: NOTIFY_VOLUME, mountPath: HELPER_NOTIFY_MOUNT }]
      : sidecarMounts,
    ...(hasPushes ? { readinessProbe: pushesCancelledProbe } : {}),
  };
  const initContainers: V1Container[] = [helper];
  const resources = input.resources ?? [];
  const artifacts = input.artifacts ?? [];
  const caches = input.caches ?? [];
  if (resources.length + artifacts.length + caches.length > 0) {
    const credentials = resources.flatMap((pull, index) =>
      pull.auth
        ? [
            { name: `CYCLONE_INPUT_${index}_USERNAME`, ...secretRef(credentialKey(index, 'username')) },
            { name: `CYCLONE_INPUT_${index}_PASSWORD`, ...secretRef(credentialKey(index, 'password')) },
          ]
        : [],
    );
    initContainers.push({
      name: INPUTS_CONTAINER,
      image: input.helperImage,
      args: ['inputs'],
      // Its last lines become the stage message when it fails.
      terminationMessagePolicy: 'FallbackToLogsOnError',
      env: [
        ...common,
        { name: 'CYCLONE_API_URL', value: input.apiUrl },
        { name: 'CYCLONE_STAGE_TOKEN', ...secretRef(TOKEN_KEY) },
        {
          name: 'CYCLONE_INPUTS',
          value: JSON.stringify({
            resources: resources.map((r, index) => ({
              name: r.name,
              type: r.type,
              url: r.url,
              revision: r.revision,
              path: podPath(r.path),
              ...(r.persistent ? { kept: { dir: keptMountPath(index), pullPolicy: r.persistent.pullPolicy } } : {}),
            })),
            artifacts: artifacts.map((a) => ({ name: a.name, path: podPath(a.path), isDirectory: a.isDirectory })),
            workingDir,
            ...(caches.length > 0
              ? {
                  caches: caches.map((c) => ({
                    key: c.key,
                    paths: c.paths.map(normalizeCachePath),
                    restoreKeys: c.restoreKeys,
                  })),
                }
              : {}),
          }),
        },
        ...credentials,
      ],
      volumeMounts: [...sidecarMounts, ...keptResourceMounts(resources)],
    });
  }
  // Refused at save; checked again here for what was stored before the rule existed.
  const refused = checkPodSpecExtras(input.podSpecExtras);
  if (refused.length > 0) {
    throw new Error(
      `the stage's pod settings are not allowed: ${refused.map((p) => `${p.path} ${p.message}`).join('; ')}`,
    );
  }
  const extras = { ...(input.podSpecExtras ?? {}) } as Record<string, unknown>;
  const declared = (extras.containers as V1Container[] | undefined) ?? [];
  const extraVolumes = (extras.volumes as unknown[] | undefined) ?? [];
  delete extras.containers;
  delete extras.volumes;
  delete extras.initContainers;
  // The workload's own settings a Cyclone YAML stage declared (resources, pull
  // policy, its volume mounts…) are the imageless entry; the others are more containers.
  // The program is the stage's command and args, run through the wrapper.
  const { args: _args, ...leftovers } = (declared.find(isWorkloadLeftovers) ?? {}) as Partial<V1Container>;
  const extraContainers = declared.filter((c) => !isWorkloadLeftovers(c));
  const resolverParts = resolverContainers(resolvers, {
    secretRef,
    secretKeys: input.resolverSecretKeys,
    workloadSettings: { resources: leftovers.resources, securityContext: leftovers.securityContext },
  });
  initContainers.push(...resolverParts.pulls);
  const services = input.services ?? [];
  initContainers.push(
    ...serviceContainers(services).map((service) =>
      sidecarVolumeMounts.length > 0
        ? { ...service, volumeMounts: [...(service.volumeMounts ?? []), ...sidecarVolumeMounts] }
        : service,
    ),
  );
  const workload: V1Container = {
    ...leftovers,
    name: WORKLOAD_CONTAINER,
    image: input.image,
    command: ['/bin/sh', '-c', WORKLOAD_WRAPPER, 'cyclone-stage', ...program],
    // As the stage wrote it: /go/src/app is the workspace's go/src/app, mounted at /go.
    workingDir: sandboxPath(input.workingDir ?? WORKSPACE_MOUNT),
    env: [
      ...input.env.map((e) => (input.secretEnv?.has(e.name) ? { name: e.name, ...secretRef(envKey(e.name)) } : e)),
      ...common,
      ...(input.secretArgs ?? []).map((_, index) => ({ name: secretArgEnv(index), ...secretRef(secretArgKey(index)) })),
    ],
    volumeMounts: [
      ...mounts,
      ...outside,
      ...runVolumeMounts(runVolumes, 'Workload'),
      ...(input.accelerated?.folders ?? []).map((folder) => ({
        name: 'workspace',
        mountPath: folder.containerPath,
        subPath: folder.workspacePath,
      })),
      ...(leftovers.volumeMounts ?? []),
    ],
  };

  const workspaceVolume = input.workspaceClaim
    ? { name: 'workspace', persistentVolumeClaim: { claimName: input.workspaceClaim } }
    : { name: 'workspace', emptyDir: {} };

  const restricted = input.podSecurity !== 'BASELINE';
  // What Pod Security "restricted" asks of every container; the stage's own settings
  // (runAsUser, readOnlyRootFilesystem…) stay, the allow-list keeps them within the level.
  const harden = (container: V1Container): V1Container =>
    restricted
      ? { ...container, securityContext: { ...RESTRICTED_CONTAINER, ...container.securityContext } }
      : container;

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.podName,
      namespace: input.namespace,
      labels: {
        ...runLabels(input.names),
        [STAGE_LABEL]: input.stage,
        [ATTEMPT_LABEL]: String(input.attempt),
      },
      annotations: {
        'cyclone.dev/run-id': input.runId,
        ...(resolvers.length > 0 ? { [RESOLVERS_ANNOTATION]: JSON.stringify(resolverContainerInfos(resolvers)) } : {}),
        ...(input.annotations ?? {}),
      },
      ...(input.runUid ? { ownerReferences: runOwner(input.names, input.runUid) } : {}),
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: input.serviceAccountName,
      // Stages call Kubernetes only as a run's own granted service account: else no API
      // token in the pod (Cyclone's stage service account has no role either).
      automountServiceAccountToken: input.mountsApiToken === true,
      // The helper uploads output artifacts and caches after the workload ended, within the pod's grace period.
      ...((input.outputArtifacts?.length ?? 0) + caches.length + httpPushes.length > 0
        ? { terminationGracePeriodSeconds: ARTIFACT_UPLOAD_SECONDS }
        : {}),
      ...(input.podDefaults ?? {}),
      ...extras,
      ...(restricted ? { securityContext: { ...RESTRICTED_POD, ...(extras.securityContext as object) } } : {}),
      ...(services.length > 0
        ? {
            hostAliases: [
              ...((extras.hostAliases as V1HostAlias[] | undefined) ?? []),
              ...serviceHostAliases(services),
            ],
          }
        : {}),
      initContainers: initContainers.map(harden),
      containers: [workload, ...resolverParts.pushes, ...extraContainers].map(harden),
      volumes: [
        workspaceVolume,
        { name: 'cyclone', emptyDir: {} },
        ...(extraVolumes as PodVolumes),
        ...(runPodVolumes(runVolumes) as PodVolumes),
        ...(keptResourceVolumes(resources) as PodVolumes),
        ...(hasPushes ? [{ name: NOTIFY_VOLUME, emptyDir: {} }] : []),
      ],
    },
  };
}
