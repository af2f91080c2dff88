import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// End-to-end tests of the built CLI (`dist/index.js`, run as a child process)
// against a real API on a throwaway Postgres: the API's own test set-up.
export default defineProject({
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'cli',
    include: ['test/**/*.int.test.ts'],
    globalSetup: [fileURLToPath(new URL('../../apps/api/src/testing/postgres.global-setup.ts', import.meta.url))],
    // Each CLI call is a fresh Node process: slow on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
