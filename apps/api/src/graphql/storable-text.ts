import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, visit } from 'graphql';

/**
 * Postgres text holds neither NUL nor half of a UTF-16 surrogate pair, yet JSON carries
 * both (`\u0000`, a lone `\ud800`): such a value would fail deep inside a write as an
 * internal error. It is refused up front instead, naming where it is.
 */
const isUnstorable = (text: string) =>
  text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** The path (e.g. `input.stages[0].name`) of the first string in `value` Postgres cannot store. */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) {
    const found = findUnstorableText(item, join(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

function unstorableLiteral(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    StringValue(node) {
      if (found === undefined && isUnstorable(node.value)) found = `the string at offset ${node.loc?.start ?? 0}`;
    },
  });
  return found;
}

/** Refuses an operation whose variables or string literals hold text Postgres cannot store. */
export function storableTextPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const field = findUnstorableText(request.variables ?? {}) ?? unstorableLiteral(document);
          if (field === undefined) return;
          throw new GraphQLError(`${field} holds a NUL character or half of a surrogate pair, which cannot be stored`, {
            extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
          });
        },
      };
    },
  };
}
