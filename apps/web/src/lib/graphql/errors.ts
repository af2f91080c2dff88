/** Codes the API puts in `extensions.code` (docs/contract.md §2), plus the client's own. */
export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'NETWORK_ERROR'
  | (string & {});

export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** An error from a GraphQL operation, carrying the `extensions.code` of its first error. */
export class GraphQLRequestError extends Error {
  readonly code: ApiErrorCode;
  readonly errors: readonly GraphQLErrorShape[];
  readonly status: number | undefined;

  constructor(message: string, code: ApiErrorCode, errors: readonly GraphQLErrorShape[] = [], status?: number) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
    this.errors = errors;
    this.status = status;
  }

  static fromErrors(errors: readonly GraphQLErrorShape[], status?: number): GraphQLRequestError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
    return new GraphQLRequestError(first?.message ?? 'Request failed', code, errors, status);
  }
}

export function errorCode(error: unknown): ApiErrorCode | undefined {
  return error instanceof GraphQLRequestError ? error.code : undefined;
}

export function isUnauthenticated(error: unknown): boolean {
  return errorCode(error) === 'UNAUTHENTICATED';
}

/** Errors that will not go away by asking again. */
export function isPermanentError(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'UNAUTHENTICATED' ||
    code === 'FORBIDDEN' ||
    code === 'NOT_FOUND' ||
    code === 'BAD_USER_INPUT' ||
    code === 'CONFLICT'
  );
}
