import Docker from 'dockerode';
import type { ExecutorKind } from './executor.js';

export type RequestedExecutor = ExecutorKind | 'auto';

/** The default socket of Docker (and of Podman's Docker-compatible service when linked there). */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * CYCLONE_EXECUTOR's rule: `auto` takes kubernetes when a cluster is configured,
 * else container when an engine answers, else host. An explicit choice never
 * falls back: one that cannot work stops the start with a sentence saying why.
 */
export function chooseExecutor(input: {
  requested: RequestedExecutor;
  hasCluster: boolean;
  engine: { answers: boolean; where: string; error?: string };
}): { kind: ExecutorKind; reason: string } {
  const { requested, hasCluster, engine } = input;
  if (requested === 'kubernetes' || (requested === 'auto' && hasCluster)) {
    if (!hasCluster) {
      throw new Error('CYCLONE_EXECUTOR=kubernetes needs a cluster: set CYCLONE_KUBECONFIG or CYCLONE_IN_CLUSTER');
    }
    return { kind: 'kubernetes', reason: requested === 'auto' ? 'a cluster is configured' : 'CYCLONE_EXECUTOR' };
  }
  if (requested === 'container' || (requested === 'auto' && engine.answers)) {
    if (!engine.answers) {
      throw new Error(
        `CYCLONE_EXECUTOR=container, but no container engine answers at ${engine.where}` +
          `${engine.error ? ` (${engine.error})` : ''}: start Docker or Podman, or set DOCKER_HOST`,
      );
    }
    return {
      kind: 'container',
      reason: requested === 'auto' ? `a container engine answers at ${engine.where}` : 'CYCLONE_EXECUTOR',
    };
  }
  return {
    kind: 'host',
    reason:
      requested === 'auto' ? `no cluster, and no container engine answers at ${engine.where}` : 'CYCLONE_EXECUTOR',
  };
}

/** A client of the Docker Engine API at DOCKER_HOST (unix:// or tcp://), or the default socket. */
export function dockerClient(dockerHost: string | undefined): { docker: Docker; where: string } {
  if (!dockerHost) return { docker: new Docker({ socketPath: DEFAULT_DOCKER_SOCKET }), where: DEFAULT_DOCKER_SOCKET };
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return { docker: new Docker({ socketPath: url.pathname }), where: dockerHost };
  return {
    docker: new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' }),
    where: dockerHost,
  };
}

/** Whether the engine answers within timeoutMs, and what it is (for the boot log and /healthz). */
export async function probeEngine(
  docker: Docker,
  timeoutMs: number,
): Promise<{ answers: true; version: string; isPodman: boolean } | { answers: false; error: string }> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    const version = (await Promise.race([docker.version(), timeout])) as {
      Version?: string;
      Components?: { Name?: string }[];
    };
    const isPodman = (version.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
    return { answers: true, version: `${isPodman ? 'Podman ' : ''}${version.Version ?? 'unknown'}`, isPodman };
  } catch (error) {
    return { answers: false, error: (error as Error).message };
  }
}
