import type { V1Pod } from '@cyclone/k8s';
import { WORKLOAD_CONTAINER } from './pod-spec.js';
import { SERVICE_CONTAINER_PREFIX } from './service-containers.js';

/**
 * A service sidecar the kubelet restarted before the workload started: its startup
 * probe failed for its whole timeout, or it exited. The kubelet would keep
 * restarting it and the pod would wait forever, so the attempt fails with why.
 */
export function serviceNotReady(pod: V1Pod): string | undefined {
  const status = pod.status ?? {};
  const workload = (status.containerStatuses ?? []).find((c) => c.name === WORKLOAD_CONTAINER);
  if (workload?.state?.running || workload?.state?.terminated || workload?.lastState?.terminated) return undefined;
  for (const container of status.initContainerStatuses ?? []) {
    if (!container.name.startsWith(SERVICE_CONTAINER_PREFIX) || container.restartCount < 1) continue;
    const name = container.name.slice(SERVICE_CONTAINER_PREFIX.length);
    const probe = (pod.spec?.initContainers ?? []).find((c) => c.name === container.name)?.startupProbe;
    const seconds = probe ? (probe.failureThreshold ?? 3) * (probe.periodSeconds ?? 10) : undefined;
    const last = container.lastState?.terminated;
    const ended = last ? `; it ended with exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : '';
    const within = seconds !== undefined ? ` within ${seconds}s` : '';
    return `service "${name}" did not become ready${within}${ended}`;
  }
  return undefined;
}
