// Type declarations for container-engine.mjs (used by the container test set-up and benches).

export const BASE_IMAGE: string;

export interface ContainerEngine {
  /** unix://<stateDir>/docker.sock */
  dockerHost: string;
  socketPath: string;
  stateDir: string;
  /** Stops dockerd (its containers with it); safe to call more than once. */
  stop(): Promise<void>;
}

export function startContainerEngine(options: { stateDir: string; watchPid?: number }): Promise<ContainerEngine>;
export function stopContainerEngine(options: { stateDir: string }): Promise<void>;
