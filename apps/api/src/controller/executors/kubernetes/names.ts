import { createHash } from 'node:crypto';

/** Longest name that also fits a label value (pods carry their run's name as a label). */
export const MAX_NAME_LENGTH = 63;

/**
 * A DNS label: kept as is when it fits, else cut and suffixed with a hash of the
 * whole name, so distinct long names stay distinct and the same input always
 * gives the same name.
 */
export function fitName(name: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  const head = name.slice(0, MAX_NAME_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The WorkflowRun custom resource of run number `n`: `<workflow>-<n>`. */
export const workflowRunName = (workflow: string, number: number) => fitName(`${workflow}-${number}`);

/** The pod of one attempt: `<run>-<stage>-<attempt>`; a retry gets a new name. */
export const stagePodName = (runName: string, stage: string, attempt: number) =>
  fitName(`${runName}-${stage}-${attempt}`);

/** The run's shared workspace volume. */
export const workspaceClaimName = (runName: string) => fitName(`${runName}-workspace`);

/**
 * The handle stored in the stage row: `k8s:<namespace>/<pod>` in the control cluster,
 * `k8s:<namespace>/<pod>@<integration id>` in a worker cluster.
 */
export const podHandle = (namespace: string, pod: string, clusterId?: string) =>
  `k8s:${namespace}/${pod}${clusterId ? `@${clusterId}` : ''}`;

export function parsePodHandle(
  handle: string | null,
): { namespace: string; pod: string; clusterId?: string } | undefined {
  const match = handle ? /^k8s:([a-z0-9-]+)\/([a-z0-9.-]+)(?:@([0-9a-f-]{36}))?$/.exec(handle) : null;
  if (!match) return undefined;
  return { namespace: match[1] as string, pod: match[2] as string, ...(match[3] ? { clusterId: match[3] } : {}) };
}
