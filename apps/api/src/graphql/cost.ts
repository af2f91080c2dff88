import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, type GraphQLSchema } from 'graphql';
import {
  type ComplexityEstimator,
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
} from 'graphql-query-complexity';

/** Highest estimated cost an operation may have (documented in README, "Input limits"). */
export const MAX_QUERY_COST = 10_000;

/** A list field with `first`/`limit` costs its child cost times the page size. */
const pagedListEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = [args.first, args.limit, (args.page as { first?: unknown } | undefined)?.first].find(
    (value): value is number => typeof value === 'number',
  );
  return size === undefined ? undefined : 1 + size * Math.max(childComplexity, 1);
};

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      estimators: [fieldExtensionsEstimator(), pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // The estimate coerces the variables before Apollo does, so a variable of the wrong
    // shape (an impossible date, say) is refused here, as Apollo would refuse it.
    if (error instanceof GraphQLError && error.extensions.code === undefined) {
      throw new GraphQLError(error.message, {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        nodes: error.nodes,
      });
    }
    throw error;
  }
}

export function assertAffordable(cost: number): void {
  if (cost > MAX_QUERY_COST) {
    throw new GraphQLError(`the query costs ${cost}; at most ${MAX_QUERY_COST} is allowed: ask for smaller pages`, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
}

// Costs remembered per parsed document (Apollo reuses the parsed document of a repeated
// query string), per variables and operation name; a bounded number of each.
const COSTS_PER_DOCUMENT = 64;

/** Rejects over-expensive HTTP operations once their variables are known. */
export function costLimitPlugin(schema: GraphQLSchema): ApolloServerPlugin {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (document: DocumentNode, variables: Record<string, unknown>, operationName?: string) => {
    const key = `${operationName ?? ''}\n${JSON.stringify(variables)}`;
    let known = costs.get(document);
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const cost = operationCost(schema, document, variables, operationName);
    if (!known) {
      known = new Map();
      costs.set(document, known);
    }
    if (known.size >= COSTS_PER_DOCUMENT) known.clear();
    known.set(key, cost);
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, operationName }) {
          let cost: number;
          try {
            cost = costOf(document, request.variables ?? {}, operationName ?? undefined);
          } catch (error) {
            // Estimating coerces the variables first: a value its type refuses (a date
            // that is no date) is the caller's mistake, not an internal error.
            if (error instanceof GraphQLError && !error.extensions.code) {
              throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
            }
            throw error;
          }
          assertAffordable(cost);
        },
      };
    },
  };
}
