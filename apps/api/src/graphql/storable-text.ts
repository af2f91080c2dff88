import type { ApolloServerPlugin } from '@apollo/server';
import {
  findTooDeep,
  findUnstorableText,
  isUnstorableText,
  MAX_INPUT_DEPTH,
  UNSTORABLE_TEXT_MESSAGE,
} from '@cyclone/domain/core';
import { type DocumentNode, GraphQLError, visit } from 'graphql';

/** Variables and string literals are checked before any resolver runs (the rule: @cyclone/domain/core). */
function unstorableLiteral(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    StringValue(node) {
      if (found === undefined && isUnstorableText(node.value)) found = `the string at offset ${node.loc?.start ?? 0}`;
    },
  });
  return found;
}

/** Refuses an operation whose variables or string literals hold text Postgres cannot store, or nest too deep to store. */
export function storableTextPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const deep = findTooDeep(request.variables ?? {});
          if (deep !== undefined) {
            throw new GraphQLError(`${deep} is nested more than ${MAX_INPUT_DEPTH} levels deep`, {
              extensions: { code: 'BAD_USER_INPUT', field: deep, http: { status: 400 } },
            });
          }
          const field = findUnstorableText(request.variables ?? {}) ?? unstorableLiteral(document);
          if (field === undefined) return;
          throw new GraphQLError(`${field} ${UNSTORABLE_TEXT_MESSAGE}`, {
            extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
          });
        },
      };
    },
  };
}
