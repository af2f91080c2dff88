import { defineConfig } from 'vitest/config';

// API tests that need both a real Postgres and real Kubernetes control planes:
// the reconciler (tenant namespaces, custom resources, worker clusters) and the
// controller's leader election. Two control planes: the control cluster and a
// worker cluster for ExecutionCluster registration.
export default defineConfig({
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'api-k8s',
    include: [
      'src/kube-sync/**/*.int.test.ts',
      'src/controller/leader-election.int.test.ts',
      // The Kubernetes executor: stage pods on kwok nodes.
      'src/controller/executors/kubernetes/**/*.int.test.ts',
    ],
    globalSetup: [
      'src/testing/postgres.global-setup.ts',
      '../../packages/k8s/src/testing/control-plane.global-setup.ts',
      'src/testing/worker-cluster.global-setup.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
