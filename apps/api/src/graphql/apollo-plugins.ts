import type { ApolloServerPlugin } from '@apollo/server';
import { type GraphQLSchema, Kind, type OperationDefinitionNode } from 'graphql';
import type { Metrics } from '../observability/instruments.js';
import type { GraphQLContext } from './context.js';

/** Times every operation and logs failures with the request id. */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue, schema }) {
      const end = metrics.graphqlOperations.startTimer();
      let hasErrors = false;
      return {
        async didEncounterErrors({ errors }) {
          hasErrors = true;
          contextValue.logger.debug({ errors: errors.map((e) => e.message) }, 'graphql errors');
        },
        async willSendResponse({ operation }) {
          end({
            operation: operationLabel(schema, operation),
            type: operation?.operation ?? 'unknown',
            outcome: hasErrors ? 'error' : 'ok',
          });
        },
      };
    },
  };
}

/**
 * The `operation` label: the operation's first root field, a name the schema defines
 * (`workflowRun`, `login` …), or `other`. Never the client's operation name: clients
 * choose those freely, and every new one would be a new time series kept forever.
 */
export function operationLabel(schema: GraphQLSchema, operation: OperationDefinitionNode | undefined): string {
  const first = operation?.selectionSet.selections[0];
  if (!operation || first?.kind !== Kind.FIELD) return 'other';
  const name = first.name.value;
  if (name === '__schema' || name === '__type') return name;
  return schema.getRootType(operation.operation)?.getFields()[name] ? name : 'other';
}
