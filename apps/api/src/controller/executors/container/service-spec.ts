import { DEFAULT_SERVICE_READINESS_TIMEOUT, type StageService } from '@cyclone/domain';
import { durationTextToMs } from '@cyclone/domain/core';
import type { ContainerCreateOptions } from 'dockerode';
import type { StageLaunch } from '../executor.js';
import { attemptLabels, type ContainerSettings, DETACHED } from './container-spec.js';

/** On a service container: the attempt container it serves, so every end of the attempt finds it. */
export const SERVICE_OF_LABEL = 'cyclone.dev/service-of';

export const serviceContainerName = (attemptContainer: string, service: string) => `${attemptContainer}-svc-${service}`;

/**
 * Network of an attempt with services: they and the stage share one network
 * namespace, that of the first service (`container:<first>`), which alone is on the
 * installation's network and carries every service name as 127.0.0.1 in the shared
 * /etc/hosts. A per-attempt network with aliases would need a bridge, which engines
 * run with `--bridge=none` (and stages with network `none`) do not have; a shared
 * namespace works on any network setting and keeps the services on the stage's
 * loopback. Docker refuses host entries on a `container:` network, hence on the first.
 */
export function sharedNetworkOf(attemptContainer: string, services: readonly StageService[]): string | undefined {
  const first = services[0];
  return first ? `container:${serviceContainerName(attemptContainer, first.name)}` : undefined;
}

/** A service's container: its image, command and env only, hardened as the stage's, labelled to its attempt. */
export function serviceContainerSpec(
  launch: StageLaunch,
  attemptContainer: string,
  index: number,
  settings: ContainerSettings,
  /** The first service's /etc/hosts, on engines that give each container its own (ContainerSettings.hasOwnHostsFile). */
  hostsFile?: string,
): ContainerCreateOptions {
  const services = launch.services ?? [];
  const service = services[index] as StageService;
  const network =
    index === 0
      ? {
          ...(settings.network ? { NetworkMode: settings.network } : {}),
          ExtraHosts: services.map((s) => `${s.name}:127.0.0.1`),
        }
      : {
          NetworkMode: sharedNetworkOf(attemptContainer, services),
          ...(hostsFile ? { Binds: [`${hostsFile}:/etc/hosts:ro`] } : {}),
        };
  return {
    name: serviceContainerName(attemptContainer, service.name),
    Image: serviceImageOf(service),
    ...(service.command.length > 0 ? { Entrypoint: [...service.command] } : {}),
    ...(service.args.length > 0 ? { Cmd: [...service.args] } : {}),
    Env: service.env.map((e) => `${e.name}=${e.value}`),
    Labels: { ...attemptLabels(launch, settings), [SERVICE_OF_LABEL]: attemptContainer },
    ...DETACHED,
    HostConfig: {
      Init: true,
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['NET_RAW', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP'],
      PidsLimit: settings.pidsLimit,
      ...network,
      LogConfig: { Type: 'json-file', Config: {} },
    },
  };
}

/** As the stage's image: `:latest` when it names neither tag nor digest (a pull without a tag would pull every tag). */
export function serviceImageOf(service: StageService): string {
  const image = service.image.trim();
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') || image.includes('@') ? image : `${image}:latest`;
}

export function readinessTimeoutMs(service: StageService): number {
  return durationTextToMs(service.readiness?.timeout ?? DEFAULT_SERVICE_READINESS_TIMEOUT);
}

/** What the readiness check runs inside the service: its command, or a look at its listening TCP sockets. */
export function readinessExec(service: StageService): string[] | undefined {
  const readiness = service.readiness;
  if (!readiness) return undefined;
  return readiness.command ? [...readiness.command] : ['cat', '/proc/net/tcp', '/proc/net/tcp6'];
}

/**
 * Whether /proc/net/tcp{,6} text shows a socket listening on `port` (state 0A);
 * the local address is `<hex ip>:<hex port>`.
 */
export function isListening(procNetTcp: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return procNetTcp.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1]?.toUpperCase().endsWith(`:${hexPort}`) === true && fields[3] === '0A';
  });
}

export function describeReadiness(service: StageService): string {
  const readiness = service.readiness;
  if (!readiness) return 'started';
  return readiness.command ? `command ${JSON.stringify(readiness.command)}` : `tcp port ${readiness.tcpPort}`;
}
