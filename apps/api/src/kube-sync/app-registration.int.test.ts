// With CYCLONE_KUBECONFIG set, the API process (role all) elects itself leader
// on the Lease and its reconciler mirrors a new tenant without any help: at once,
// woken by the database's mirror channel (its resync is an hour away).
import { installCrds, loadKubeConfig, makeClients } from '@cyclone/k8s';
import { describe, expect, inject, it } from 'vitest';
import { RECONCILE_WAIT, suffix } from '../testing/kube-sync-kit.js';
import { startTestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

describe('the API with a cluster configured', () => {
  it('reconciles on its own and holds the controller Lease while it runs', async () => {
    const kubeconfigPath = inject('kubeconfigPath');
    const clients = makeClients(loadKubeConfig({ kubeconfigPath }));
    await installCrds(clients);
    const instance = `app${suffix()}`;
    const api = await startTestApi({
      CYCLONE_KUBECONFIG: kubeconfigPath,
      CYCLONE_INSTANCE: instance,
      CYCLONE_NAMESPACE: 'default',
      CYCLONE_RESYNC_INTERVAL: '1h',
      CYCLONE_POD_NAME: 'api-0',
    });
    const tenant = `auto-${suffix()}`;
    try {
      const token = await api.loginAsAdmin();
      const created = await api.graphql(
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
        { input: { name: tenant } },
        token,
      );
      expect(created.errors).toBeUndefined();
      const namespace = await waitFor(
        async () => clients.core.readNamespace({ name: `cyclone-${tenant}` }).catch(() => undefined),
        { what: 'the tenant namespace', ...RECONCILE_WAIT },
      );
      expect(namespace.metadata?.labels?.['cyclone.dev/instance']).toBe(instance);
      const lease = (await clients.customObjects.getNamespacedCustomObject({
        group: 'coordination.k8s.io',
        version: 'v1',
        namespace: 'default',
        plural: 'leases',
        name: `cyclone-controller-${instance}`,
      })) as { spec: { holderIdentity: string } };
      expect(lease.spec.holderIdentity).toBe('api-0');
      // The sync state is written at the end of the pass that created the namespace.
      const state = await waitFor(
        async () => {
          const status = await api.graphql<{ tenant: { syncStatus: { state: string } | null } }>(
            'query($t: String!) { tenant(name: $t) { syncStatus { state } } }',
            { t: tenant },
            token,
          );
          return status.data?.tenant.syncStatus?.state;
        },
        { what: 'the tenant sync state', ...RECONCILE_WAIT },
      );
      expect(state).toBe('SYNCED');
    } finally {
      await api.stop();
      await clients.core.deleteNamespace({ name: `cyclone-${tenant}` }).catch(() => {});
    }
  });

  it('leaves Kubernetes alone in the embedded default', async () => {
    const api = await startTestApi();
    try {
      const token = await api.loginAsAdmin();
      const tenant = `plain-${suffix()}`;
      await api.graphql(
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
        { input: { name: tenant } },
        token,
      );
      const status = await api.graphql<{ tenant: { syncStatus: unknown } }>(
        'query($t: String!) { tenant(name: $t) { syncStatus { state } } }',
        { t: tenant },
        token,
      );
      expect(status.data?.tenant.syncStatus).toBeNull();
    } finally {
      await api.stop();
    }
  });
});
