import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Kubernetes integration tests (`*.int.test.ts`) against a real control plane
// (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) started
// once per run by the global setup. The first run builds the binaries (many
// minutes); later runs reuse them from the cache.
export default defineProject({
  test: {
    name: 'k8s',
    include: ['src/**/*.int.test.ts'],
    globalSetup: [fileURLToPath(new URL('./src/testing/control-plane.global-setup.ts', import.meta.url))],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
