import { Kind, print } from '@0no-co/graphql.web';
import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './generated/graphql-env.js';

/**
 * Writes a GraphQL document checked against schema.graphql: its result and variables types
 * come from the schema (`pnpm typecheck` runs `gql.tada check`, which rejects unknown fields,
 * arguments and types). The introspection is a .ts file so that tsc emits it with the package.
 */
export const graphql = initGraphQLTada<{
  introspection: typeof introspection;
  scalars: { DateTimeISO: string; DateTime: string; JSONObject: Record<string, unknown> };
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';

/** A typed document, as `graphql()` returns it. */
// biome-ignore lint/suspicious/noExplicitAny: the fragment decoration varies per document.
export type Document<TData, TVariables> = TadaDocumentNode<TData, TVariables, any>;

/** The variables argument: optional when the document has no required variables. */
export type VariablesArgs<TVariables, TRest extends unknown[] = []> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, ...rest: TRest]
    : [variables: TVariables, ...rest: TRest];

const printed = new WeakMap<object, { query: string; operationName: string | undefined }>();

/** The text and operation name sent over the wire, printed once per document. */
export function documentText<TData, TVariables>(
  document: Document<TData, TVariables>,
): { query: string; operationName: string | undefined } {
  let text = printed.get(document);
  if (!text) {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    text = { query: print(document), operationName: operation?.name?.value };
    printed.set(document, text);
  }
  return text;
}
