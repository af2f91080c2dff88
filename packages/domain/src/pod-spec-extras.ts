/**
 * What a stage may say about its pod beyond the workload (Cyclone YAML's
 * `spec.pod.spec`, kept as `podSpecExtras`): an allow-list, so nothing reaches the
 * node, its network, its filesystem or another identity — no `hostNetwork`,
 * `hostPID`, `nodeName`, `serviceAccountName`, `hostPath` volume, privileged
 * container, added capability or host port. docs/security.md lists the same fields.
 */
export const ALLOWED_POD_FIELDS = [
  'containers',
  'volumes',
  'nodeSelector',
  'tolerations',
  'affinity',
  'topologySpreadConstraints',
  'priorityClassName',
  'dnsConfig',
  'hostAliases',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'securityContext',
  'imagePullSecrets',
  'enableServiceLinks',
] as const;

export const ALLOWED_CONTAINER_FIELDS = [
  'name',
  'image',
  'command',
  'args',
  'env',
  'envFrom',
  'workingDir',
  'ports',
  'resources',
  'volumeMounts',
  'imagePullPolicy',
  'securityContext',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
] as const;

/** Volume sources that hold data of the pod or of its namespace only. */
export const ALLOWED_VOLUME_SOURCES = [
  'emptyDir',
  'configMap',
  'secret',
  'persistentVolumeClaim',
  'downwardAPI',
  'projected',
  'ephemeral',
] as const;

const POD_SECURITY_FIELDS = [
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'fsGroup',
  'fsGroupChangePolicy',
  'supplementalGroups',
  'seccompProfile',
] as const;
const CONTAINER_SECURITY_FIELDS = [
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'readOnlyRootFilesystem',
  'allowPrivilegeEscalation',
  'capabilities',
  'seccompProfile',
] as const;

export interface PodSpecProblem {
  /** Below `spec.pod.spec`, e.g. `containers[1].securityContext.privileged`. */
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function unknownFields(object: Obj, allowed: readonly string[], at: string, what: string): PodSpecProblem[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ path: `${at}${key}`, message: `is not allowed in ${what} (allowed: ${allowed.join(', ')})` }));
}

function containerProblems(container: unknown, at: string): PodSpecProblem[] {
  if (!isObject(container)) return [];
  const problems = unknownFields(container, ALLOWED_CONTAINER_FIELDS, at, "a stage's container");
  list(container.ports).forEach((port, index) => {
    if (isObject(port) && port.hostPort !== undefined) {
      problems.push({
        path: `${at}ports[${index}].hostPort`,
        message: 'is not allowed: a stage gets no port of the node',
      });
    }
  });
  const security = container.securityContext;
  if (isObject(security)) {
    const s = `${at}securityContext.`;
    problems.push(...unknownFields(security, CONTAINER_SECURITY_FIELDS, s, "a stage container's securityContext"));
    if (security.allowPrivilegeEscalation === true) {
      problems.push({ path: `${s}allowPrivilegeEscalation`, message: 'may only be false' });
    }
    const capabilities = security.capabilities;
    if (isObject(capabilities) && list(capabilities.add).length > 0) {
      problems.push({ path: `${s}capabilities.add`, message: 'is not allowed: a stage may only drop capabilities' });
    }
    if (isObject(security.seccompProfile) && security.seccompProfile.type === 'Unconfined') {
      problems.push({ path: `${s}seccompProfile.type`, message: 'may not be Unconfined' });
    }
  }
  return problems;
}

function volumeProblems(volume: unknown, at: string): PodSpecProblem[] {
  if (!isObject(volume)) return [];
  return Object.keys(volume)
    .filter((key) => key !== 'name' && !(ALLOWED_VOLUME_SOURCES as readonly string[]).includes(key))
    .map((key) => ({
      path: `${at}${key}`,
      message: `is not an allowed volume source (allowed: ${ALLOWED_VOLUME_SOURCES.join(', ')})`,
    }));
}

/** Everything in a stage's pod settings that the allow-lists above refuse; empty when all is allowed. */
export function checkPodSpecExtras(extras: Obj | undefined): PodSpecProblem[] {
  if (!extras) return [];
  const problems = unknownFields(extras, ALLOWED_POD_FIELDS, '', "a stage's pod");
  list(extras.containers).forEach((container, index) => {
    problems.push(...containerProblems(container, `containers[${index}].`));
  });
  list(extras.volumes).forEach((volume, index) => {
    problems.push(...volumeProblems(volume, `volumes[${index}].`));
  });
  const security = extras.securityContext;
  if (isObject(security)) {
    problems.push(...unknownFields(security, POD_SECURITY_FIELDS, 'securityContext.', "a stage pod's securityContext"));
    if (isObject(security.seccompProfile) && security.seccompProfile.type === 'Unconfined') {
      problems.push({ path: 'securityContext.seccompProfile.type', message: 'may not be Unconfined' });
    }
  }
  return problems;
}
