import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGraphQLSchema } from './schema.js';

/** The SDL as committed in packages/api-contract: sorted, so diffs show real changes only. */
export async function printContractSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphQLSchema()))}\n`;
}
