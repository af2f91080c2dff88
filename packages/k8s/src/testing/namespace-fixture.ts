// vitest fixtures for tests against the test control plane (see
// control-plane.global-setup.ts):
//
//   import { test } from './testing/namespace-fixture.js';
//   test('does things', async ({ namespace, clients }) => { ... });
//
// `namespace` is a namespace created for the test alone (random suffix), whose
// default ServiceAccount already exists (pods can be created right away); it is
// deleted, with everything in it, when the test ends.
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { test as base, inject } from 'vitest';
import { type KubeClients, loadKubeConfig, makeClients } from '../client.js';

export interface K8sFixtures {
  kubeconfigPath: string;
  kc: KubeConfig;
  clients: KubeClients;
  namespace: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** HTTP status of a client-node ApiException, if it is one. */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function namespaceName(testName: string): string {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `t-${slug ? `${slug}-` : ''}${randomBytes(3).toString('hex')}`;
}

export const test = base.extend<K8sFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures must destructure their context
  kubeconfigPath: async ({}, use) => {
    await use(inject('kubeconfigPath'));
  },
  kc: async ({ kubeconfigPath }, use) => {
    await use(loadKubeConfig({ kubeconfigPath }));
  },
  clients: async ({ kc }, use) => {
    await use(makeClients(kc));
  },
  namespace: async ({ clients, task }, use) => {
    const name = namespaceName(task.name);
    await clients.core.createNamespace({
      body: { metadata: { name, labels: { 'testing.cyclone.dev/test': 'true' } } },
    });
    // The ServiceAccount admission plugin rejects pods until the namespace's
    // default ServiceAccount exists (created asynchronously by the controller-manager).
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await clients.core.readNamespacedServiceAccount({ name: 'default', namespace: name });
        break;
      } catch (err) {
        if (apiStatus(err) !== 404 || Date.now() > deadline) throw err;
        await sleep(50);
      }
    }
    let cleanupError: unknown;
    try {
      await use(name);
    } finally {
      // Not awaited to completion: the namespace controller finishes the job.
      await clients.core.deleteNamespace({ name, propagationPolicy: 'Background' }).catch((err: unknown) => {
        if (apiStatus(err) !== 404) cleanupError = err;
      });
    }
    if (cleanupError) throw cleanupError;
  },
});

export { expect } from 'vitest';
