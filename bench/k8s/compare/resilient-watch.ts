import type { KubeClients } from '../../../packages/k8s/dist/index.js';

/**
 * A watch that starts again whenever the API server or the connection ends it (it did
 * under load, and a lost event would leave a run unfinished forever). Each new watch
 * begins with every existing object (ADDED), so nothing that changed meanwhile is missed.
 */
export function resilientWatch<T>(
  clients: KubeClients,
  path: string,
  onEvent: (type: string, object: T) => void,
): Promise<{ stop: () => void }> {
  let stopped = false;
  let current: AbortController | undefined;
  const start = async (): Promise<void> => {
    current = await clients.watch.watch(path, {}, onEvent, () => {
      if (stopped) return;
      process.stderr.write(`watch of ${path} ended; started again\n`);
      setTimeout(() => start().catch(() => setTimeout(start, 1_000)), 200);
    });
  };
  return start().then(() => ({
    stop: () => {
      stopped = true;
      current?.abort();
    },
  }));
}
