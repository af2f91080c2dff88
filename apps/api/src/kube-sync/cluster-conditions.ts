/** A status condition of an ExecutionCluster (the CRD's `status.conditions`, also shown in GraphQL). */
export interface ClusterCondition {
  type: 'Ready' | 'NamespacePrepared';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** Error prefixes of a cluster's sync outcome (cluster-registration.ts) that tell its conditions apart. */
export const UNREACHABLE_PREFIX = 'worker cluster unreachable: ';
export const PREPARE_PREFIX = 'worker cluster: ';
export const NO_KUBECONFIG = 'the integration has no kubeconfig in its secret';

/**
 * The conditions after a registration pass, from its error (null: all went well):
 * Ready — the worker answered with the integration's kubeconfig; NamespacePrepared —
 * the tenant's namespace, quota, RBAC and network policy are in place there. An
 * unchanged status keeps its lastTransitionTime.
 */
export function clusterConditions(
  outcome: { error: string | null; kubernetesVersion?: string },
  previous: readonly Partial<ClusterCondition>[] | undefined,
  now: Date,
): ClusterCondition[] {
  const { error } = outcome;
  const detail = (prefix: string) => (error?.startsWith(prefix) ? error.slice(prefix.length) : (error ?? ''));
  let ready: Omit<ClusterCondition, 'type' | 'lastTransitionTime'>;
  let prepared: Omit<ClusterCondition, 'type' | 'lastTransitionTime'>;
  if (error === null) {
    const version = outcome.kubernetesVersion ? ` (Kubernetes ${outcome.kubernetesVersion})` : '';
    ready = { status: 'True', reason: 'Reachable', message: `the worker cluster answered${version}` };
    prepared = { status: 'True', reason: 'Prepared', message: "the tenant's namespace is prepared" };
  } else if (error === NO_KUBECONFIG) {
    ready = { status: 'False', reason: 'NoKubeconfig', message: error };
    prepared = { status: 'Unknown', reason: 'NoKubeconfig', message: error };
  } else if (error.startsWith(UNREACHABLE_PREFIX)) {
    ready = { status: 'False', reason: 'Unreachable', message: detail(UNREACHABLE_PREFIX) };
    prepared = { status: 'Unknown', reason: 'Unreachable', message: 'the worker cluster did not answer' };
  } else if (error.startsWith(PREPARE_PREFIX)) {
    ready = { status: 'True', reason: 'Reachable', message: 'the worker cluster answered' };
    prepared = { status: 'False', reason: 'PrepareFailed', message: detail(PREPARE_PREFIX) };
  } else {
    // Registration in the control cluster failed: nothing was tried in the worker.
    ready = { status: 'Unknown', reason: 'NotRegistered', message: error };
    prepared = { status: 'Unknown', reason: 'NotRegistered', message: error };
  }
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const withTime = (type: ClusterCondition['type'], next: Omit<ClusterCondition, 'type' | 'lastTransitionTime'>) => {
    const before = previous?.find((c) => c.type === type);
    const lastTransitionTime =
      before?.status === next.status && before.lastTransitionTime ? before.lastTransitionTime : at;
    return { type, ...next, lastTransitionTime };
  };
  return [withTime('Ready', ready), withTime('NamespacePrepared', prepared)];
}

/** True when nothing but timestamps would change (no status write then). */
export function isSameConditions(
  a: readonly Partial<ClusterCondition>[] | undefined,
  b: readonly ClusterCondition[],
): boolean {
  return (
    a?.length === b.length &&
    b.every((next) => {
      const before = a.find((c) => c.type === next.type);
      return before?.status === next.status && before.reason === next.reason && before.message === next.message;
    })
  );
}
