import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printContractSchema } from './print-schema.js';

const committed = new URL('../../../../packages/api-contract/schema.graphql', import.meta.url);

describe('the committed GraphQL contract', () => {
  it('matches the schema the API serves (run "pnpm --filter @cyclone/api export-schema" after a change)', async () => {
    expect(await printContractSchema()).toBe(readFileSync(committed, 'utf8'));
  });
});
