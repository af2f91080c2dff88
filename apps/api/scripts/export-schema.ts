// Writes the GraphQL SDL to packages/api-contract/schema.graphql.
// Run: pnpm --filter @cyclone/api export-schema
import { writeFileSync } from 'node:fs';
import { printContractSchema } from '../src/graphql/print-schema.js';

const target = new URL('../../../packages/api-contract/schema.graphql', import.meta.url);
writeFileSync(target, await printContractSchema());
console.log(`wrote ${target.pathname}`);
