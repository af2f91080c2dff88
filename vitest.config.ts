import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three layers, one runner: pure unit tests, API integration tests on a throwaway
// Postgres, and Kubernetes integration tests on the real test control plane.
export default defineConfig({
  test: {
    // Most integration tests wait on processes, engines and clusters, not on the CPU:
    // one worker per core left a third of it idle (README, "How long it takes").
    maxWorkers: Math.min(availableParallelism() * 2, 8),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/api/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.real.test.ts', '**/node_modules/**', '**/dist/**'],
        },
        resolve: { alias: { graphql: 'graphql/index.js' } },
      },
      'apps/api/vitest.int.config.ts',
      'apps/api/vitest.k8s.config.ts',
      'apps/api/vitest.containers.config.ts',
      'apps/api/vitest.podman.config.ts',
      'packages/cli/vitest.int.config.ts',
      'packages/k8s/vitest.config.ts',
      'apps/web/vitest.config.ts',
    ],
  },
});
