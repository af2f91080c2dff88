// PlainKube against the real API server: what it writes is what the typed clients read
// back, and its failures carry the server's status like theirs.
import { describe } from 'vitest';
import { apiMessageOf, apiStatusOf } from './apply.js';
import { KUBE_PATHS } from './plain-kube.js';
import { expect, test } from './testing/namespace-fixture.js';

const SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', labels: { app: 'a' } }, type: 'Opaque' };

describe('PlainKube on the test control plane', () => {
  test('creates objects the typed clients read back, and a second create fails with 409', async ({
    clients,
    namespace,
  }) => {
    const created = await clients.plain.create<{ metadata: { uid: string } }>(KUBE_PATHS.secrets(namespace), {
      ...SECRET,
      stringData: { token: 't0ken' },
    });
    const read = await clients.core.readNamespacedSecret({ name: 's1', namespace });
    expect(read.metadata?.uid).toBe(created.metadata.uid);
    expect(read.metadata?.labels).toEqual({ app: 'a' });
    expect(Buffer.from(read.data?.token as string, 'base64').toString()).toBe('t0ken');

    const again = await clients.plain.create(KUBE_PATHS.secrets(namespace), SECRET).catch((err: unknown) => err);
    expect(apiStatusOf(again)).toBe(409);
    expect(apiMessageOf(again)).toBe('secrets "s1" already exists');
  });

  test('merge-patches and deletes; a deleted object is a 404', async ({ clients, namespace }) => {
    await clients.plain.create(`/api/v1/namespaces/${namespace}/configmaps`, {
      metadata: { name: 'c1' },
      data: { a: '1', b: '2' },
    });
    await clients.plain.mergePatch(`/api/v1/namespaces/${namespace}/configmaps/c1`, { data: { a: null, c: '3' } });
    const patched = await clients.core.readNamespacedConfigMap({ name: 'c1', namespace });
    expect(patched.data).toEqual({ b: '2', c: '3' });

    await clients.plain.delete(`/api/v1/namespaces/${namespace}/configmaps/c1`, { gracePeriodSeconds: 0 });
    const gone = await clients.core.readNamespacedConfigMap({ name: 'c1', namespace }).catch((err: unknown) => err);
    expect(apiStatusOf(gone)).toBe(404);
    const deleteAgain = await clients.plain
      .delete(`/api/v1/namespaces/${namespace}/configmaps/c1`)
      .catch((err: unknown) => err);
    expect(apiStatusOf(deleteAgain)).toBe(404);
  });
});
