import { print } from '@0no-co/graphql.web';
import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './generated/graphql-env.js';

/**
 * Writes a GraphQL document checked against packages/api-contract/schema.graphql: its
 * result and variables types come from the schema (`pnpm typecheck` runs `gql.tada check`,
 * which rejects unknown fields, arguments and types).
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTimeISO: string; DateTime: string; JSONObject: Record<string, unknown> };
  disableMasking: true;
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

/** A typed document, as `graphql()` returns it. */
// biome-ignore lint/suspicious/noExplicitAny: the fragment decoration varies per document.
export type Document<TData, TVariables> = TadaDocumentNode<TData, TVariables, any>;

/** The variables argument: optional when the document has no required variables. */
export type VariablesArgs<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

const printed = new WeakMap<object, string>();

/** The text sent over the wire, printed once per document. */
export function documentText<TData, TVariables>(document: Document<TData, TVariables>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}
