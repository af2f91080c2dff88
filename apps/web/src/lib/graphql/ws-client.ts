import { type Document, documentText } from '@cyclone/api-contract';
import { type Client, createClient } from 'graphql-ws';
import { getSessionMarker } from '../session-marker';
import { GRAPHQL_PATH } from './client';
import { type GraphQLErrorShape, GraphQLRequestError } from './errors';

/**
 * One graphql-ws (graphql-transport-ws) client per session, connected lazily to the
 * same-origin `/graphql` (the web server proxies the upgrade to the API). It reconnects
 * with jittered exponential backoff for as long as the page is open.
 */
let client: Client | null = null;
let clientSession: string | null = null;

const MAX_RETRY_WAIT_MS = 15_000;

export type ConnectionListener = (event: 'connected' | 'closed') => void;
const connectionListeners = new Set<ConnectionListener>();

function websocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${GRAPHQL_PATH}`;
}

function closeCode(event: unknown): number | undefined {
  return typeof event === 'object' && event !== null && 'code' in event && typeof event.code === 'number'
    ? event.code
    : undefined;
}

function toError(cause: unknown): GraphQLRequestError {
  if (cause instanceof GraphQLRequestError) return cause;
  if (Array.isArray(cause)) return GraphQLRequestError.fromErrors(cause as GraphQLErrorShape[]);
  const code = closeCode(cause);
  if (code === 4401) return new GraphQLRequestError('Not signed in', 'UNAUTHENTICATED');
  if (code === 4403) return new GraphQLRequestError('Subscription refused', 'FORBIDDEN');
  if (cause instanceof Error) return new GraphQLRequestError(cause.message, 'NETWORK_ERROR');
  return new GraphQLRequestError('The live connection was closed', 'NETWORK_ERROR');
}

/** The session cookie goes with the upgrade request: the connection sends no credential itself. */
function createSessionClient(): Client {
  return createClient({
    url: websocketUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    keepAlive: 20_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Keep trying through network trouble and API restarts; auth refusals are final.
    shouldRetry: (event) => {
      const code = closeCode(event);
      return code !== 4401 && code !== 4403;
    },
    retryWait: async (retries) => {
      const base = Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** retries);
      await new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
    },
    on: {
      connected: () => {
        for (const listener of connectionListeners) listener('connected');
      },
      closed: () => {
        for (const listener of connectionListeners) listener('closed');
      },
    },
  });
}

/** The client of the current sign-in; a new one (sign-in/out) gets a new connection. */
export function getWsClient(): Client {
  const session = getSessionMarker();
  if (!client || session !== clientSession) {
    void client?.dispose();
    client = createSessionClient();
    clientSession = session;
  }
  return client;
}

export function disposeWsClient(): void {
  void client?.dispose();
  client = null;
  clientSession = null;
}

export function onConnectionChange(listener: ConnectionListener): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

export interface SubscriptionHandlers<TData> {
  next: (data: TData) => void;
  error?: (error: GraphQLRequestError) => void;
  complete?: () => void;
}

/** Subscribes to a GraphQL subscription; returns the function that unsubscribes. */
export function subscribe<TData, TVariables>(
  document: Document<TData, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TData>,
): () => void {
  const { query, operationName } = documentText(document);
  return getWsClient().subscribe<TData>(
    { query, operationName, variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) {
          handlers.error?.(GraphQLRequestError.fromErrors(result.errors as GraphQLErrorShape[]));
          return;
        }
        if (result.data) handlers.next(result.data);
      },
      error: (cause) => handlers.error?.(toError(cause)),
      complete: () => handlers.complete?.(),
    },
  );
}
