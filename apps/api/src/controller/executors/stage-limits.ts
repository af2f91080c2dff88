import type { WorkflowResources } from '@cyclone/domain';

/**
 * A stage's cpu and memory limits, from the workload container's leftovers that
 * Cyclone YAML keeps in `podSpecExtras.containers` (the entry without an image:
 * `spec.pod.spec.containers[0].resources.limits`). Pods get them on the workload container; the
 * container executor converts them with the functions below.
 */
export function workloadLimits(podSpecExtras: Record<string, unknown> | undefined): { cpu?: string; memory?: string } {
  const limits = workloadLeftovers(podSpecExtras)?.resources?.limits ?? {};
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const cpu = text(limits.cpu);
  const memory = text(limits.memory);
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
}

/**
 * The stage's pod settings with the workflow's default requirements (Workflow
 * `spec.resources`) filled in where its workload container leaves them unset, key by
 * key (`requests.cpu`, `limits.memory`, …): what every executor then reads.
 */
export function withWorkflowResources(
  podSpecExtras: Record<string, unknown> | undefined,
  defaults: WorkflowResources | undefined,
): Record<string, unknown> | undefined {
  if (!defaults || (!defaults.requests && !defaults.limits)) return podSpecExtras;
  const containers = Array.isArray(podSpecExtras?.containers) ? [...(podSpecExtras.containers as unknown[])] : [];
  const index = containers.findIndex(isWorkloadLeftovers);
  const leftovers = (index >= 0 ? containers[index] : {}) as {
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  };
  const resources = {
    ...leftovers.resources,
    ...(defaults.requests ? { requests: { ...defaults.requests, ...leftovers.resources?.requests } } : {}),
    ...(defaults.limits ? { limits: { ...defaults.limits, ...leftovers.resources?.limits } } : {}),
  };
  const workload = { ...leftovers, resources };
  if (index >= 0) containers[index] = workload;
  else containers.unshift(workload);
  return { ...podSpecExtras, containers };
}

/** The workload's `imagePullPolicy` from the same leftovers, if the stage sets one. */
export function workloadPullPolicy(podSpecExtras: Record<string, unknown> | undefined): string | undefined {
  const policy = workloadLeftovers(podSpecExtras)?.imagePullPolicy;
  return typeof policy === 'string' ? policy : undefined;
}

/** True for the workload's leftovers among `podSpecExtras.containers`: the entry without an image. */
export const isWorkloadLeftovers = (container: unknown) =>
  typeof container === 'object' && container !== null && !('image' in container);

function workloadLeftovers(podSpecExtras: Record<string, unknown> | undefined) {
  const containers = podSpecExtras?.containers;
  if (!Array.isArray(containers)) return undefined;
  return containers.find(isWorkloadLeftovers) as
    | { resources?: { limits?: Record<string, unknown> }; imagePullPolicy?: unknown }
    | undefined;
}

/** A Kubernetes cpu quantity (`500m`, `2`, `0.5`) in nano-cpus; undefined when it is not one. */
export function nanoCpus(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) return undefined;
  const cores = Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
  return cores > 0 ? Math.round(cores * 1e9) : undefined;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity (`64Mi`, `1G`, `1048576`) in bytes; undefined when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i|[kKMGT])?$/.exec(quantity.trim());
  if (!match) return undefined;
  const unit = match[2] ? (BINARY[match[2]] ?? DECIMAL[match[2]] ?? 1) : 1;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}
