import { defineConfig } from 'vitest/config';

// Container executor tests: a real Postgres and a real Docker Engine (started by
// the global set-up from Debian's docker.io, with a locally built Debian image).
export default defineConfig({
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'api-containers',
    include: ['src/controller/executors/container/**/*.int.test.ts'],
    globalSetup: ['src/testing/postgres.global-setup.ts', 'src/testing/container-engine.global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
