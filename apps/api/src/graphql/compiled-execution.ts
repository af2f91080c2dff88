import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, printSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { LruCache } from '../modules/shared/lru-cache.js';
import { inSpan } from '../observability/trace-context.js';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/** Operations kept compiled; the least recently used goes first. */
const MAX_COMPILED = 500;

/**
 * Operations compiled by graphql-jit, each once (by the key its caller gives): a
 * compiled operation resolves its fields without graphql-js's walk of the document per
 * field. On the uncached `workflows × last 5 runs` read that walk was a third of the
 * API's CPU (bench/api-workflows.ts); on a followed log, every batch to every reader.
 */
export class CompiledOperations {
  private readonly compiled = new LruCache<CompiledQuery>({ maxEntries: MAX_COMPILED, maxSize: MAX_COMPILED });

  constructor(readonly schema: GraphQLSchema) {}

  /** The operation compiled, or the errors compiling it gave (executed by graphql-js then, they come again). */
  of(key: string, document: DocumentNode, operationName: string | undefined): CompiledQuery | ExecutionResult {
    const known = this.compiled.get(key);
    if (known) return known;
    const made = compileQuery(this.schema, document, operationName) as CompiledQuery | ExecutionResult;
    if (isCompiledQuery(made)) this.compiled.set(key, made);
    return made;
  }
}

/**
 * Apollo Server executes each operation compiled (CompiledOperations, keyed by its
 * text's hash and operation name). Apollo's parsing, validation (depth limit), cost
 * check and error formatting stay as they are; its executor hook for gateways is the
 * one place it lets another engine run the operation.
 */
export function compiledExecution(operations: CompiledOperations): Gateway {
  const { schema } = operations;
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: (request) => {
          const operationName = request.operationName ?? undefined;
          // The span graphql-js's instrumentation would have made (tracing.ts).
          const attributes = {
            'graphql.operation.type': request.operation.operation,
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
          };
          return inSpan('graphql.execute', attributes, async () => {
            const query = operations.of(
              `${request.queryHash}\0${operationName ?? ''}`,
              request.document,
              operationName,
            );
            const result: ExecutionResult = isCompiledQuery(query)
              ? await query.query(undefined, request.context, request.request.variables ?? {})
              : query;
            return withGraphQLErrors(result);
          });
        },
      };
    },
    async stop() {},
  };
}

/** A compiled operation's result with its errors as graphql-js makes them (asGraphQLError). */
export function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
}

/**
 * graphql-jit's errors leave `extensions` undefined where graphql-js's are an object,
 * which Apollo's error formatting reads: the same error as graphql-js would make it.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const made = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  return error.locations ? Object.assign(made, { locations: error.locations }) : made;
}
