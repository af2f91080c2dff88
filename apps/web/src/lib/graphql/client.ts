import { type Document, documentText, type VariablesArgs } from '@cyclone/api-contract';
import { clearSessionMarker, getSessionMarker } from '../session-marker';
import { type GraphQLErrorShape, GraphQLRequestError } from './errors';

/** Same-origin endpoint; the web server proxies it to the API. */
export const GRAPHQL_PATH = '/graphql';

export interface RequestOptions {
  signal?: AbortSignal;
  /** Counts as a request of the current sign-in (default true): its refusal ends it. Sign-in is not. */
  auth?: boolean;
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorShape[];
}

/**
 * Runs a GraphQL query or mutation (a typed document from `graphql()`) over fetch.
 * Resolves with `data`, or rejects with a GraphQLRequestError whose `code` is the first
 * error's `extensions.code`.
 * The session goes with it as the httpOnly cookie the API set at sign-in; an
 * UNAUTHENTICATED answer ends that sign-in in every tab.
 */
export async function request<TData, TVariables>(
  document: Document<TData, TVariables>,
  ...[variables, options = {}]: VariablesArgs<TVariables, [options?: RequestOptions]>
): Promise<TData> {
  const { query, operationName } = documentText(document);
  const session = options.auth === false ? null : getSessionMarker();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };

  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: variables ?? {}, operationName }),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new GraphQLRequestError('Network request failed', 'NETWORK_ERROR');
  }

  let body: GraphQLResponse<TData> | undefined;
  try {
    body = (await response.json()) as GraphQLResponse<TData>;
  } catch {
    body = undefined;
  }

  let error: GraphQLRequestError | undefined;
  if (body?.errors?.length) {
    error = GraphQLRequestError.fromErrors(body.errors, response.status);
  } else if (!response.ok || !body || body.data == null) {
    const code =
      response.status === 401
        ? 'UNAUTHENTICATED'
        : response.status >= 502
          ? 'SERVICE_UNAVAILABLE'
          : 'INTERNAL_SERVER_ERROR';
    error = new GraphQLRequestError(`HTTP ${response.status} ${response.statusText}`.trim(), code, [], response.status);
  }

  if (error) {
    // Only the session that was rejected ends; a newer sign-in is left alone.
    if (session && error.code === 'UNAUTHENTICATED' && getSessionMarker() === session) clearSessionMarker();
    throw error;
  }
  return body?.data as TData;
}
