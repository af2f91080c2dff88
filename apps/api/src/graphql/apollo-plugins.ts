import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../http/metrics.js';
import type { GraphQLContext } from './context.js';

/** Times every operation and logs failures with the request id. */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const end = metrics.graphqlOperations.startTimer();
      let hasErrors = false;
      return {
        async didEncounterErrors({ errors }) {
          hasErrors = true;
          contextValue.logger.debug({ errors: errors.map((e) => e.message) }, 'graphql errors');
        },
        async willSendResponse({ operation, operationName }) {
          end({
            operation: operationName ?? 'anonymous',
            type: operation?.operation ?? 'unknown',
            outcome: hasErrors ? 'error' : 'ok',
          });
        },
      };
    },
  };
}
