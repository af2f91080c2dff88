import type { Watch } from '@kubernetes/client-node';

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: T;
}

export interface EventRecorder<T> {
  /** Every event received so far, in order. */
  readonly events: readonly WatchEvent<T>[];
  /**
   * Resolves with the first event after the previously matched one that
   * satisfies `pred`; successive calls therefore assert an order.
   */
  next(pred: (e: WatchEvent<T>) => boolean, timeoutMs?: number): Promise<WatchEvent<T>>;
  stop(): void;
}

/**
 * Starts a watch on `path` (e.g. `/api/v1/namespaces/ns/pods`) and records its
 * events. Resolves once the watch request is established, so objects created
 * afterwards are seen as ADDED.
 */
export async function recordWatch<T = Record<string, unknown>>(
  watch: Watch,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): Promise<EventRecorder<T>> {
  const events: WatchEvent<T>[] = [];
  const waiters = new Set<() => void>();
  let ended: { err: unknown } | undefined;
  let cursor = 0;
  const notify = () => {
    for (const w of waiters) w();
  };
  const controller = await watch.watch(
    path,
    query,
    (type, object) => {
      events.push({ type, object: object as T });
      notify();
    },
    (err) => {
      ended = { err };
      notify();
    },
  );
  const summary = () =>
    events
      .map((e) => {
        const o = e.object as { metadata?: { name?: string; resourceVersion?: string }; status?: { phase?: string } };
        return `${e.type} ${o.metadata?.name ?? '?'}@${o.metadata?.resourceVersion ?? '?'}${o.status?.phase ? ` (${o.status.phase})` : ''}`;
      })
      .join(', ');

  return {
    events,
    async next(pred, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (; cursor < events.length; cursor++) {
          const e = events[cursor] as WatchEvent<T>;
          if (pred(e)) {
            cursor++;
            return e;
          }
        }
        if (ended) throw new Error(`watch on ${path} ended (${String(ended.err)}); events: ${summary()}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no matching event on ${path} within ${timeoutMs}ms; events: ${summary()}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, remaining);
          waiters.add(wake);
        });
      }
    },
    stop() {
      controller.abort();
    },
  };
}
