// The CRDs in k8s/crds on the real kube-apiserver: they become Established,
// every example in k8s/examples/valid is accepted and every one in
// k8s/examples/invalid is rejected by the structural schema.
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe } from 'vitest';
import { applyObject } from '../apply.js';
import { apiStatus, expect, test } from '../testing/namespace-fixture.js';
import { installCrds, K8S_DIR, readCrds, readYamlDocuments } from './files.js';
import { CYCLONE_KINDS, type CycloneKind } from './types.js';

const valid = readYamlDocuments(join(K8S_DIR, 'examples/valid'));
const invalid = readYamlDocuments(join(K8S_DIR, 'examples/invalid'));

function errorBody(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  return typeof body === 'string' ? body : String(err);
}

describe('cyclone.dev CRDs', () => {
  test('are all Established with their short names and scopes', async ({ clients }) => {
    await installCrds(clients);
    const crds = readCrds();
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual(Object.keys(CYCLONE_KINDS).sort());
    for (const crd of crds) {
      const live = await clients.apiextensions.readCustomResourceDefinition({ name: crd.metadata?.name as string });
      const expected = CYCLONE_KINDS[live.spec.names.kind as CycloneKind];
      expect(live.spec.names.shortNames).toEqual([expected.shortName]);
      expect(live.spec.names.plural).toBe(expected.plural);
      expect(live.spec.scope).toBe(expected.isNamespaced ? 'Namespaced' : 'Cluster');
      expect(live.spec.versions[0]?.subresources?.status).toBeDefined();
      expect(live.status?.acceptedNames?.kind).toBe(live.spec.names.kind);
    }
  });

  test('accept every valid example, unchanged and without pruning', async ({ clients, namespace }) => {
    await installCrds(clients);
    expect(valid.length).toBeGreaterThanOrEqual(10);
    for (const { file, object } of valid) {
      const kind = object.kind as CycloneKind;
      const body = {
        ...object,
        metadata: {
          ...(object.metadata as object),
          ...(CYCLONE_KINDS[kind].isNamespaced ? { namespace } : { name: `${namespace}-ec` }),
        },
      } as KubernetesObject;
      const created = (await clients.objects.create(body, undefined, undefined, 'test').catch((err: unknown) => {
        throw new Error(`${file} ${kind}: ${errorBody(err)}`);
      })) as unknown as { spec: unknown };
      // Nothing was dropped: each field is known to the schema or preserved.
      expect(created.spec, `${file} ${kind}`).toMatchObject(object.spec as object);
      if (!CYCLONE_KINDS[kind].isNamespaced) await clients.objects.delete(body);
    }
    // Served under the short names' plural, listable per namespace.
    const workflows = await clients.customObjects.listNamespacedCustomObject({
      group: 'cyclone.dev',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
    });
    expect((workflows as { items: unknown[] }).items).toHaveLength(
      valid.filter((d) => d.object.kind === 'Workflow').length,
    );
  });

  test('apply server-side with strict field validation', async ({ clients, namespace }) => {
    await installCrds(clients);
    const stage = valid.find((d) => d.object.kind === 'Stage')?.object as KubernetesObject;
    const applied = await applyObject(clients.objects, {
      ...stage,
      metadata: { name: 'applied', namespace },
    } as KubernetesObject);
    expect(applied.metadata?.managedFields?.[0]?.manager).toBe('cyclone');
  });

  test('reject every invalid example with a schema error', async ({ clients, namespace }) => {
    await installCrds(clients);
    expect(invalid.length).toBeGreaterThanOrEqual(6);
    for (const { file, object } of invalid) {
      const body = { ...object, metadata: { ...(object.metadata as object), namespace } } as KubernetesObject;
      const error = await clients.objects.create(body).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, `${file} was accepted`).toBeDefined();
      expect(apiStatus(error), file).toBe(422);
      expect(errorBody(error), file).toMatch(
        /Invalid value|Required value|Unsupported value|should match|must have at least/,
      );
    }
  });
});
