import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Stage pods on a real Kubernetes node (containerd + kubelet) with real images, in a
// network namespace of their own. Not part of the root workspace: run it inside
// scripts/testenv/netns.mjs (npm test does), e.g.
//   node scripts/testenv/netns.mjs pnpm exec vitest run --config apps/api/vitest.node.config.ts
// Its images must be built and pushed to the node's registry first (the kubelet pulls
// them from there): node scripts/testenv/test-images.mjs and app-images.mjs (npm test does)
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    name: 'api-node',
    include: ['src/**/*.real.test.ts'],
    globalSetup: ['src/testing/postgres.global-setup.ts', 'src/testing/real-node.global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
