import { defineConfig } from 'vitest/config';

// The container executor's tests again, on Podman's Docker-compatible socket (Debian's
// podman, started privately by the global set-up): the executor speaks the Docker
// Engine API, and both engines must run stages the same way.
export default defineConfig({
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'api-podman',
    include: ['src/controller/executors/container/*.int.test.ts'],
    globalSetup: ['src/testing/postgres.global-setup.ts', 'src/testing/podman-engine.global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
