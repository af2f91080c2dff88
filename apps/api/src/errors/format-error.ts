import type { ErrorCode } from '@cyclone/domain';
import { isErrorCode } from '@cyclone/domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from './app-error.js';

/** HTTP status per code, for the few places that answer outside GraphQL (REST routes). */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL_SERVER_ERROR: 500,
};

// Codes produced by graphql-js and Apollo for malformed requests map to our own.
const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
};

/**
 * Prisma's codes for "no database connection in time": a burst of requests outran the
 * pool (P2024) or a transaction's wait for one (P2028). Nothing was written, and the
 * same request a moment later usually succeeds.
 */
const DATABASE_BUSY_CODES = new Set(['P2024', 'P2028']);

function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATABASE_BUSY_CODES.has(code);
}

/**
 * Maps any error that reaches the GraphQL layer onto the contract: AppErrors keep
 * their code and message, argument validation becomes BAD_USER_INPUT, a busy
 * database is an INTERNAL_SERVER_ERROR that says so and is marked `retryable`, and
 * anything else unexpected becomes INTERNAL_SERVER_ERROR without leaking internals.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (error: unknown) => void,
  onBusy: (error: unknown) => void = () => {},
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof AppError) {
    return {
      ...formatted,
      message: original.message,
      extensions: { ...original.details, code: original.code },
    };
  }
  const frameworkCode = formatted.extensions?.code;
  if (isErrorCode(frameworkCode) && frameworkCode !== 'INTERNAL_SERVER_ERROR') return formatted;
  if (typeof frameworkCode === 'string' && FRAMEWORK_CODES[frameworkCode]) {
    return { ...formatted, extensions: { ...formatted.extensions, code: FRAMEWORK_CODES[frameworkCode] } };
  }
  if (isArgumentValidationError(original)) {
    return { ...formatted, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (isDatabaseBusy(original)) {
    onBusy(original);
    return {
      message: 'the database is busy: nothing was changed, try again in a moment',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: true },
    };
  }
  onInternal(original);
  return {
    message: 'internal error; the server log has the details',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

function isArgumentValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ArgumentValidationError';
}
