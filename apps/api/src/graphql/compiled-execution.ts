import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { type ExecutionResult, GraphQLError, type GraphQLSchema, printSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { LruCache } from '../modules/shared/lru-cache.js';
import { inSpan } from '../observability/trace-context.js';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/** Operations kept compiled; the least recently used goes first. */
const MAX_COMPILED = 500;

/**
 * Apollo Server executes each operation with graphql-jit instead of graphql-js: an
 * operation is compiled once (keyed by its text's hash and operation name) into a
 * function that resolves its fields without graphql-js's walk of the document per
 * field. On the uncached `workflows × last 5 runs` read that walk was a third of the
 * API's CPU (bench/api-workflows.ts). Apollo's parsing, validation (depth limit), cost
 * check and error formatting stay as they are; its executor hook for gateways is the
 * one place it lets another engine run the operation. Subscriptions (graphql-ws) still
 * run on graphql-js.
 */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  const compiled = new LruCache<CompiledQuery>({ maxEntries: MAX_COMPILED, maxSize: MAX_COMPILED });
  const compiledFor = (key: string, compile: () => CompiledQuery | ExecutionResult) => {
    const known = compiled.get(key);
    if (known) return known;
    const made = compile();
    if (isCompiledQuery(made)) compiled.set(key, made);
    return made;
  };
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
            const query = compiledFor(
              `${request.queryHash}\0${operationName ?? ''}`,
              () => compileQuery(schema, request.document, operationName) as CompiledQuery | ExecutionResult,
            );
            const result: ExecutionResult = isCompiledQuery(query)
              ? await query.query(undefined, request.context, request.request.variables ?? {})
              : query;
            return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
          });
        },
      };
    },
    async stop() {},
  };
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
