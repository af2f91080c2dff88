import type { ContainerCreateOptions } from 'dockerode';
import { RESOLVER_WORKDIR, type ResolverRun, type StageLaunch } from '../executor.js';
import {
  attemptLabels,
  type ContainerSettings,
  DETACHED,
  hardenedHostConfig,
  withDefaultTag,
} from './container-spec.js';

/** On a resolver container: the attempt container it pulls or pushes for, so every end of the attempt finds it. */
export const RESOLVER_OF_LABEL = 'cyclone.dev/resolver-of';

/** Deterministic, so a controller that takes the attempt over replaces a push left running. */
export const resolverContainerName = (attemptContainer: string, operation: ResolverRun['operation'], index: number) =>
  `${attemptContainer}-${operation}-${index}`;

/**
 * A resolver's container (the original's protocol): its image with its own
 * entrypoint and one argument, `pull` or `push`; its env plus WORKDIR; the resource's
 * data (engine-host folder) at `$WORKDIR/data` and, for a push, a folder holding
 * `ok` at `$WORKDIR/notify`. Isolated as the stage's container (limits, network,
 * capabilities), and it sees nothing else of the workspace.
 */
export function resolverContainerSpec(
  launch: Pick<StageLaunch, 'runId' | 'stage' | 'attempt' | 'limits'>,
  attemptContainer: string,
  index: number,
  resolver: ResolverRun,
  mounts: { data: string; notify?: string },
  settings: ContainerSettings,
): ContainerCreateOptions {
  return {
    name: resolverContainerName(attemptContainer, resolver.operation, index),
    Image: withDefaultTag(resolver.image.trim()),
    Cmd: [resolver.operation],
    Env: [...resolver.env.map((e) => `${e.name}=${e.value}`), `WORKDIR=${RESOLVER_WORKDIR}`],
    Labels: { ...attemptLabels(launch, settings), [RESOLVER_OF_LABEL]: attemptContainer },
    ...DETACHED,
    HostConfig: {
      Binds: [
        `${mounts.data}:${RESOLVER_WORKDIR}/data`,
        ...(mounts.notify ? [`${mounts.notify}:${RESOLVER_WORKDIR}/notify:ro`] : []),
      ],
      ...hardenedHostConfig(launch.limits, settings),
    },
  };
}
