// Type declarations for container-engine.mjs (used by the container test set-up and benches).

export const BASE_IMAGE: string;

export interface ContainerEngine {
  /** unix://<stateDir>/docker.sock */
  dockerHost: string;
  socketPath: string;
  stateDir: string;
  /** Stops the engine (its containers with it); safe to call more than once. */
  stop(): Promise<void>;
}

export function startContainerEngine(options: {
  stateDir: string;
  /** dockerd (default) or Podman's Docker-compatible service. */
  kind?: 'docker' | 'podman';
  /** Plain-HTTP registries Podman may pull from and push to, e.g. 127.0.0.1:5000. */
  insecureRegistries?: string[];
  watchPid?: number;
}): Promise<ContainerEngine>;
export function stopContainerEngine(options: { stateDir: string }): Promise<void>;
