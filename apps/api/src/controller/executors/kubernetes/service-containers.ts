import { DEFAULT_SERVICE_READINESS_TIMEOUT, type StageService } from '@cyclone/domain';
import { durationTextToMs } from '@cyclone/domain/core';
import type { V1Container, V1HostAlias, V1Probe } from '@cyclone/k8s';

/** Prefix of a service's container in the stage pod (helper, inputs and main stay Cyclone's). */
export const SERVICE_CONTAINER_PREFIX = 'svc-';
export const serviceContainerName = (service: string) => `${SERVICE_CONTAINER_PREFIX}${service}`;

/**
 * A stage's services as native sidecars: init containers with restartPolicy Always,
 * so each starts (and passes its startup probe) before the next init container and
 * the workload, and the kubelet stops them once the workload has ended: a database
 * never keeps the pod alive. The startup probe is the service's readiness, tried
 * every second until its timeout.
 */
export function serviceContainers(services: readonly StageService[]): V1Container[] {
  return services.map((service) => ({
    name: serviceContainerName(service.name),
    image: service.image,
    ...(service.command.length > 0 ? { command: [...service.command] } : {}),
    ...(service.args.length > 0 ? { args: [...service.args] } : {}),
    ...(service.env.length > 0 ? { env: service.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
    restartPolicy: 'Always',
    ...(service.readiness ? { startupProbe: startupProbe(service.readiness) } : {}),
  }));
}

function startupProbe(readiness: NonNullable<StageService['readiness']>): V1Probe {
  const seconds = Math.max(
    1,
    Math.ceil(durationTextToMs(readiness.timeout ?? DEFAULT_SERVICE_READINESS_TIMEOUT) / 1000),
  );
  const check =
    readiness.command !== undefined
      ? { exec: { command: [...readiness.command] } }
      : { tcpSocket: { port: readiness.tcpPort as number } };
  return { ...check, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: seconds };
}

/** Sidecars share the pod's network: each service name is the pod's loopback address. */
export function serviceHostAliases(services: readonly StageService[]): V1HostAlias[] {
  return services.length > 0 ? [{ ip: '127.0.0.1', hostnames: services.map((s) => s.name) }] : [];
}
