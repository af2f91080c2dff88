import type { V1Pod } from '@cyclone/k8s';
import { RESOLVERS_ANNOTATION, type ResolverContainerInfo } from './pod-resolvers.js';
import { HELPER_CONTAINER, WORKLOAD_CONTAINER } from './pod-spec.js';
import { serviceNotReady } from './service-outcome.js';

/** How long a pod may wait on an image or container config before the attempt fails. */
export const STUCK_WAITING_MS = 5 * 60_000;

export type PodOutcome =
  /** Not ended; `message` explains a wait worth knowing about (unschedulable, image pull), else ''. */
  { isEnded: false; message: string } | { isEnded: true; exitCode: number | null; message: string };

/** Waiting reasons that never resolve by themselves: the attempt fails at once. */
const HOPELESS = new Set(['InvalidImageName', 'ErrImageNeverPull']);
/** Waiting reasons that may resolve (a registry hiccup, a Secret created late): fail after STUCK_WAITING_MS. */
const STUCK = new Set(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'CreateContainerError']);

/**
 * What a stage pod's status means for its attempt. Pure and level-based: the same
 * pod always gives the same answer, whether it came from a watch event or a GET.
 * The exit code is the workload container's (the helper's is ignored).
 */
export function podOutcome(pod: V1Pod, now: Date): PodOutcome {
  const status = pod.status ?? {};
  const workload = [...(status.containerStatuses ?? [])].find((c) => c.name === WORKLOAD_CONTAINER);
  const terminated = workload?.state?.terminated;
  const resolvers = podResolvers(pod);
  const failedResolver = (statuses: typeof status.containerStatuses) => {
    for (const container of statuses ?? []) {
      const code = container.state?.terminated?.exitCode ?? 0;
      const resolver = resolvers.find((r) => r.container === container.name);
      if (resolver && code !== 0) {
        const message = `resource "${resolver.name}": resolver ${resolver.operation} exited with code ${code}`;
        return { isEnded: true as const, exitCode: null, message };
      }
    }
    return undefined;
  };

  if (status.phase === 'Succeeded') return { isEnded: true, exitCode: terminated?.exitCode ?? 0, message: '' };
  if (status.phase === 'Failed') {
    // The workload exited 0 (or never ran) and a resolver image failed its push (or pull).
    const resolverFailure =
      (terminated?.exitCode ?? 0) === 0
        ? (failedResolver(status.containerStatuses) ?? failedResolver(status.initContainerStatuses))
        : undefined;
    if (resolverFailure && status.reason !== 'Evicted') return resolverFailure;
    if (status.reason === 'Evicted') {
      return { isEnded: true, exitCode: null, message: `the pod was evicted: ${status.message ?? 'no reason given'}` };
    }
    if (!terminated) {
      // An init container (inputs) failed, so the workload never ran.
      const init = (status.initContainerStatuses ?? []).find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
      const initEnd = init?.state?.terminated;
      if (init && initEnd) {
        const detail = initEnd.message ? `: ${initEnd.message.trim()}` : '';
        return {
          isEnded: true,
          exitCode: null,
          message: `${init.name}: exited with code ${initEnd.exitCode}${detail}`,
        };
      }
      const why = [status.reason, status.message].filter(Boolean).join(': ');
      return { isEnded: true, exitCode: null, message: `the pod failed${why ? `: ${why}` : ''}` };
    }
    return workloadExit(terminated);
  }
  // Push resolvers wait for notify/ok; a ready helper will never write it (the workload
  // failed, an output was not stored or sent): the attempt ended with the workload.
  const helper = (status.initContainerStatuses ?? []).find((c) => c.name === HELPER_CONTAINER);
  if (terminated && helper?.ready === true && resolvers.some((r) => r.operation === 'push')) {
    return terminated.exitCode === 0 ? { isEnded: true, exitCode: 0, message: '' } : workloadExit(terminated);
  }

  // Pending or Running: look for reasons to explain (or to give up on).
  const scheduled = (status.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      isEnded: false,
      message: `the pod cannot be scheduled (Unschedulable): ${scheduled.message ?? 'no node fits'}`,
    };
  }
  const notReady = serviceNotReady(pod);
  if (notReady) return { isEnded: true, exitCode: null, message: notReady };
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const container of statuses) {
    const waiting = container.state?.waiting;
    if (!waiting?.reason) continue;
    const what =
      waiting.reason.includes('Image') || waiting.reason === 'ErrImagePull'
        ? `image "${container.image}" cannot be pulled (${waiting.reason})`
        : `container "${container.name}" cannot start (${waiting.reason})`;
    const message = `${what}${waiting.message ? `: ${waiting.message}` : ''}`;
    if (HOPELESS.has(waiting.reason)) return { isEnded: true, exitCode: null, message };
    if (waiting.message?.includes('runAsNonRoot')) {
      // A root image in a restricted namespace: waiting will not change that.
      return {
        isEnded: true,
        exitCode: null,
        message: `${message}. The tenant's pods run as non-root users (Pod Security "restricted"): set securityContext.runAsUser in the stage, use an image with a non-root USER, or ask a platform administrator for BASELINE`,
      };
    }
    if (STUCK.has(waiting.reason)) {
      const created = pod.metadata?.creationTimestamp
        ? new Date(pod.metadata.creationTimestamp).getTime()
        : now.getTime();
      if (now.getTime() - created >= STUCK_WAITING_MS) {
        return {
          isEnded: true,
          exitCode: null,
          message: `${message} (gave up after ${STUCK_WAITING_MS / 60_000} minutes)`,
        };
      }
      return { isEnded: false, message };
    }
  }
  return { isEnded: false, message: '' };
}

type Terminated = NonNullable<
  NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]['state']
>['terminated'];

/** How the workload's exit reads in the stage message. */
function workloadExit(terminated: NonNullable<Terminated>): PodOutcome {
  const code = terminated.exitCode;
  if (terminated.reason === 'OOMKilled') {
    return {
      isEnded: true,
      exitCode: code,
      message: `the workload ran out of memory (OOMKilled) and exited with code ${code}`,
    };
  }
  const detail = terminated.message ? `: ${terminated.message.trim()}` : '';
  return { isEnded: true, exitCode: code, message: `exited with code ${code}${detail}` };
}

/** Which container resolves which resource (the pod's annotation; none when unreadable). */
export function podResolvers(pod: V1Pod): ResolverContainerInfo[] {
  const text = pod.metadata?.annotations?.[RESOLVERS_ANNOTATION];
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as ResolverContainerInfo[]) : [];
  } catch {
    return [];
  }
}

/**
 * Whether `a` is a later state of the pod than `b`. Kubernetes resourceVersions are
 * etcd revisions (whole numbers) in practice; anything else is taken as not later.
 */
export function isLaterPod(a: V1Pod, b: V1Pod): boolean {
  const [va, vb] = [a.metadata?.resourceVersion, b.metadata?.resourceVersion];
  if (!va || !vb || !/^\d+$/.test(va) || !/^\d+$/.test(vb)) return false;
  return BigInt(va) > BigInt(vb);
}
