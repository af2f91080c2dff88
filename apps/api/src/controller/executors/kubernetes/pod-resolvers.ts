import type { V1Container } from '@cyclone/k8s';
import { RESOLVER_WORKDIR, type ResolverRun } from '../executor.js';
import { HELPER_MOUNT, workspaceSubpath } from '../stage-paths.js';

/** The emptyDir the helper writes `ok` into once the data of the pushes is ready (the original's notify folder). */
export const NOTIFY_VOLUME = 'resolver-notify';
/** Where resolver images find the notify folder: `$WORKDIR/notify`. */
export const RESOLVER_NOTIFY_MOUNT = `${RESOLVER_WORKDIR}/notify`;
/** Where the helper sees it (its own mounts stay apart from the resolvers'). */
export const HELPER_NOTIFY_MOUNT = '/cyclone-notify';
/**
 * Written by the helper when it will not notify the push containers (the workload
 * failed, an output was not stored or sent): they would wait forever, so its
 * readiness probe tells the executor the attempt has ended (pod-outcome.ts).
 */
export const PUSHES_CANCELLED_FILE = `${HELPER_MOUNT}/pushes-cancelled`;
/** Pod annotation: which container resolves which resource (read back when the pod ended). */
export const RESOLVERS_ANNOTATION = 'cyclone.dev/resolvers';

type V1EnvVar = NonNullable<V1Container['env']>[number];

export interface ResolverContainerInfo {
  container: string;
  name: string;
  operation: 'pull' | 'push';
  image: string;
}

/** Container names: `pull-<n>` and `push-<n>`, numbered per operation in the stage's order. */
export function resolverContainerInfos(resolvers: readonly ResolverRun[]): ResolverContainerInfo[] {
  const counts = { pull: 0, push: 0 };
  return resolvers.map((r) => ({
    container: `${r.operation}-${counts[r.operation]++}`,
    name: r.name,
    operation: r.operation,
    image: r.image,
  }));
}

/** Key of the attempt's Secret holding a resolver env value that contains a secret. */
export const resolverEnvKey = (index: number, name: string) => `resolver-${index}-${name}`;

/** What Kubernetes gives every resolver besides its own env (the original's WORKDIR and METADATA_NAMESPACE). */
const RESERVED_ENV = new Set(['WORKDIR', 'METADATA_NAMESPACE']);

export interface ResolverContainerOptions {
  /** A secretKeyRef of the attempt's Secret. */
  secretRef: (key: string) => Pick<V1EnvVar, 'valueFrom'>;
  /** Keys (resolverEnvKey) of env values kept in the Secret. */
  secretKeys?: ReadonlySet<string>;
  /** What the workload gets from the stage's settings (resources, securityContext): quotas and policies apply alike. */
  workloadSettings: Pick<V1Container, 'resources' | 'securityContext'>;
}

/**
 * Resolver images as containers of the stage pod, in the original's protocol: each
 * runs its own entrypoint with one argument, its data at `$WORKDIR/data` (the stage
 * path's folder of the run workspace). Pulls are init containers (after `inputs`,
 * before the services); pushes run beside the workload and wait for `notify/ok`.
 */
export function resolverContainers(
  resolvers: readonly ResolverRun[],
  options: ResolverContainerOptions,
): { pulls: V1Container[]; pushes: V1Container[] } {
  const infos = resolverContainerInfos(resolvers);
  const pulls: V1Container[] = [];
  const pushes: V1Container[] = [];
  resolvers.forEach((resolver, index) => {
    const info = infos[index] as ResolverContainerInfo;
    const subPath = workspaceSubpath(resolver.path);
    const env: V1EnvVar[] = [
      ...resolver.env
        .filter((e) => !RESERVED_ENV.has(e.name))
        .map((e) =>
          options.secretKeys?.has(resolverEnvKey(index, e.name))
            ? { name: e.name, ...options.secretRef(resolverEnvKey(index, e.name)) }
            : { name: e.name, value: e.value },
        ),
      { name: 'WORKDIR', value: RESOLVER_WORKDIR },
      { name: 'METADATA_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ];
    const container: V1Container = {
      name: info.container,
      image: resolver.image,
      args: [resolver.operation],
      env,
      volumeMounts: [
        { name: 'workspace', mountPath: `${RESOLVER_WORKDIR}/data`, ...(subPath === '.' ? {} : { subPath }) },
        ...(resolver.operation === 'push' ? [{ name: NOTIFY_VOLUME, mountPath: RESOLVER_NOTIFY_MOUNT }] : []),
      ],
      ...(options.workloadSettings.resources ? { resources: options.workloadSettings.resources } : {}),
      ...(options.workloadSettings.securityContext
        ? { securityContext: options.workloadSettings.securityContext }
        : {}),
    };
    (resolver.operation === 'pull' ? pulls : pushes).push(container);
  });
  return { pulls, pushes };
}

/**
 * The helper's readiness when there are push containers: ready once it has given up
 * notifying them, which ends the attempt though they still wait (pod-outcome.ts).
 */
export const pushesCancelledProbe = {
  exec: { command: ['test', '-e', PUSHES_CANCELLED_FILE] },
  periodSeconds: 1,
  failureThreshold: 1,
  successThreshold: 1,
};
