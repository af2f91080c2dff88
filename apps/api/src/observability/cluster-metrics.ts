import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'cyclone:cluster-metrics-request';
const ANSWER = 'cyclone:cluster-metrics';
const ANSWER_TIMEOUT_MS = 8000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/**
 * In the primary of several server processes: answers a worker's scrape with the metrics of
 * every worker, merged as prom-client's AggregatorRegistry merges them (counters and
 * histograms summed; gauges as each declares), so a scrape that lands on any worker sees
 * the whole server.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id ?? 0, text } satisfies Answer),
      (error: unknown) => worker.send({ type: ANSWER, id: message.id, error: String(error) }),
    );
  });
}

/** In a worker: `registry` is what the primary collects from it; the returned function asks the primary for all. */
export function clusterExposition(registry: Registry): () => Promise<string> {
  // Constructing one installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let lastId = 0;
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++lastId;
      const onMessage = (message: Answer) => {
        if (message?.type !== ANSWER || message.id !== id) return;
        settle();
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.text ?? '');
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`the primary process sent no metrics within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      const settle = () => {
        clearTimeout(timer);
        process.off('message', onMessage);
      };
      process.on('message', onMessage);
      process.send?.({ type: REQUEST, id });
    });
}
