import { defineConfig } from 'vitest/config';

// API integration tests: real Postgres (one throwaway server per run, a cloned
// database per test file), the real HTTP and WebSocket servers.
export default defineConfig({
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'api',
    include: ['src/**/*.int.test.ts'],
    // These need Kubernetes control planes too: project api-k8s (vitest.k8s.config.ts).
    exclude: [
      'src/kube-sync/**',
      'src/controller/leader-election.int.test.ts',
      'src/controller/executors/kubernetes/**',
      // Those need a container engine: project api-containers (vitest.containers.config.ts).
      'src/controller/executors/container/**',
      '**/node_modules/**',
    ],
    globalSetup: ['src/testing/postgres.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
