// k8s/manifests rendered (base + the example overlay) and validated object by
// object against the real kube-apiserver with a server-side dry run.
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe } from 'vitest';
import { applyObject } from './apply.js';
import { MANIFESTS_DIR, renderKustomization } from './kustomize.js';
import { apiStatus, expect, test } from './testing/namespace-fixture.js';

type Deployment = KubernetesObject & {
  spec: {
    replicas: number;
    template: {
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken?: boolean;
        containers: { image: string; env?: { name: string; value?: string }[] }[];
      };
    };
  };
};

const rendered = renderKustomization(join(MANIFESTS_DIR, 'overlays/example'));
const byName = <T = KubernetesObject & Record<string, unknown>>(kind: string, name: string) =>
  rendered.find((o) => o.kind === kind && o.metadata?.name === name) as unknown as T;
const envOf = (d: Deployment) =>
  Object.fromEntries((d.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));

describe('k8s/manifests', () => {
  test('render the deployment the overlay describes', () => {
    const api = byName<Deployment>('Deployment', 'cyclone-api');
    const controller = byName<Deployment>('Deployment', 'cyclone-controller');
    const web = byName<Deployment>('Deployment', 'cyclone-web');
    expect(api.spec.replicas).toBe(3);
    expect(api.spec.template.spec.containers[0]?.image).toBe('ghcr.io/cyclone-ci/cyclone-api:0.1.0-example');
    expect(envOf(api).CYCLONE_ROLE).toBe('server');
    expect(controller.spec.replicas).toBe(2);
    expect(envOf(controller)).toMatchObject({ CYCLONE_ROLE: 'controller', CYCLONE_IN_CLUSTER: 'true' });
    expect(web.spec.template.spec.containers[0]?.image).toBe('ghcr.io/cyclone-ci/cyclone-web:0.1.0-example');
    // Only the controller talks to Kubernetes.
    expect(api.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(web.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(controller.spec.template.spec.serviceAccountName).toBe('cyclone-controller');
    expect((byName('ConfigMap', 'cyclone-config').data as Record<string, string>).LOG_LEVEL).toBe('debug');
    expect(byName('Secret', 'cyclone-encryption-key')).toBeDefined();
    expect(byName('Secret', 'cyclone-database')).toBeDefined();
    expect(rendered.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(7);
    for (const o of rendered) {
      expect(o.metadata?.labels?.['app.kubernetes.io/part-of'], `${o.kind}/${o.metadata?.name}`).toBe('cyclone');
      const clusterScoped = [
        'Namespace',
        'ClusterRole',
        'ClusterRoleBinding',
        'CustomResourceDefinition',
        'ValidatingAdmissionPolicy',
        'ValidatingAdmissionPolicyBinding',
      ];
      if (!clusterScoped.includes(o.kind as string)) {
        expect(o.metadata?.namespace, `${o.kind}/${o.metadata?.name}`).toBe('cyclone-system');
      }
    }
  });

  test('are accepted by the API server (server-side apply, dry run)', async ({ clients }) => {
    // Namespaced objects need their namespace to exist, even in a dry run.
    await clients.core.createNamespace({ body: { metadata: { name: 'cyclone-system' } } }).catch((err: unknown) => {
      if (apiStatus(err) !== 409) throw err;
    });
    expect(rendered.length).toBeGreaterThanOrEqual(20);
    for (const object of rendered) {
      const result = await applyObject(clients.objects, object, { dryRun: true }).catch((err: unknown) => {
        throw new Error(`${object.kind}/${object.metadata?.name}: ${(err as { body?: string }).body ?? String(err)}`);
      });
      expect(result.metadata?.name).toBe(object.metadata?.name);
    }
    // Nothing was created by the dry run.
    const list = await clients.objects.list('apps/v1', 'Deployment', 'cyclone-system');
    expect(list.items.map((d) => d.metadata?.name)).not.toContain('cyclone-api');
  });

  test('a broken object is refused by the dry run', async ({ clients }) => {
    const api = structuredClone(byName<Deployment>('Deployment', 'cyclone-api'));
    api.spec.replicas = -1;
    await expect(applyObject(clients.objects, api, { dryRun: true })).rejects.toMatchObject({ code: 422 });
  });
});
