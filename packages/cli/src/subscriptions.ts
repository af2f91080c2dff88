import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiError } from './errors.js';

export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/** One connection carrying subscriptions; follow.ts opens a new one after a drop. */
export interface SubscriptionSession {
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>): void;
  close(): Promise<void>;
}

export type OpenSession = () => SubscriptionSession;

/** graphql-ws over `ws` at `<server>/graphql`, authorised like HTTP (docs/contract.md §1). */
export function websocketSessions(server: string, token: string | undefined): OpenSession {
  const url = `${server.replace(/^http/i, 'ws')}/graphql`;
  return () => {
    const client: Client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      // Reconnecting is follow.ts' job: it resumes each stream from the last line it printed.
      retryAttempts: 0,
      lazy: true,
    });
    return {
      subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>) {
        client.subscribe<T>(
          { query, variables },
          {
            next: (result) => {
              const first = result.errors?.[0];
              if (first) {
                const code = (first.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
                sink.error(new ApiError(code, first.message));
              } else if (result.data) sink.next(result.data as T);
            },
            error: sink.error,
            complete: sink.complete,
          },
        );
      },
      close: () => client.dispose() as Promise<void>,
    };
  };
}
