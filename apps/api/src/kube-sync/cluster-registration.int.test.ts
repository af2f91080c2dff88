// A KUBERNETES integration registers a worker cluster: an ExecutionCluster in
// the control cluster (no credentials in it), the kubeconfig in a Secret of
// Cyclone's namespace, and the tenant namespace prepared in the worker cluster
// (a second, separate test control plane). Removing the integration cleans the
// worker cluster up through the ExecutionCluster's finalizer.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS, loadAllYaml } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeSyncKit, RECONCILE_WAIT, readObject, startKubeSyncKit, suffix } from '../testing/kube-sync-kit.js';
import { waitFor } from '../testing/wait.js';

type Ec = {
  metadata: { finalizers?: string[]; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: Record<string, unknown>;
};

describe('ExecutionCluster registration', () => {
  let kit: KubeSyncKit;
  let tenant: string;
  let ecName: string;

  beforeAll(async () => {
    kit = await startKubeSyncKit();
    tenant = `gpu-${suffix()}`;
    ecName = `${tenant}.pool`;
    await kit.gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }', {
      input: { name: tenant, quota: { cpu: '16' } },
    });
    await kit.gql('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
      input: {
        tenant,
        name: 'pool',
        type: 'KUBERNETES',
        description: 'GPU pool',
        config: { server: 'https://gpu.example.com:6443' },
        secret: { kubeconfig: kit.workerKubeconfig },
      },
    });
    await kit.reconciler.reconcileAll();
  });

  afterAll(async () => {
    await kit?.clients.core.deleteNamespace({ name: `cyclone-${tenant}` }).catch(() => {});
    await kit?.worker.core.deleteNamespace({ name: `cyclone-${tenant}` }).catch(() => {});
    await kit?.stop();
  });

  it('registers the cluster without credentials in the ExecutionCluster', async () => {
    const ec = await readObject<Ec>(kit.clients, 'ExecutionCluster', ecName);
    expect(ec?.spec).toEqual({
      description: 'GPU pool',
      server: 'https://gpu.example.com:6443',
      tenant,
      secretRef: { namespace: kit.systemNamespace, name: `cluster-${tenant}-pool`, key: 'kubeconfig' },
      namespacePrefix: 'cyclone-',
    });
    expect(JSON.stringify(ec)).not.toContain('BEGIN CERTIFICATE');
    expect(JSON.stringify(ec)).not.toContain(Buffer.from(kit.workerKubeconfig).toString('base64').slice(0, 40));
    expect(ec?.metadata.finalizers).toEqual(['cyclone.dev/worker-cleanup']);
    const secret = await kit.clients.core.readNamespacedSecret({
      name: `cluster-${tenant}-pool`,
      namespace: kit.systemNamespace,
    });
    expect(Buffer.from(secret.data?.kubeconfig ?? '', 'base64').toString('utf8')).toBe(kit.workerKubeconfig);
    const integration = await kit.db.integration.findFirstOrThrow({
      where: { name: 'pool', tenant: { name: tenant } },
    });
    expect(
      await kit.db.syncState.findUnique({
        where: { objectType_objectId: { objectType: 'cluster', objectId: integration.id } },
      }),
    ).toMatchObject({ phase: 'SYNCED', lastError: null });
    // Conditions on the resource and in GraphQL.
    const status = (ec as unknown as { status?: { conditions?: { type: string; status: string; reason: string }[] } })
      .status;
    expect(status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reachable'],
      ['NamespacePrepared', 'True', 'Prepared'],
    ]);
    const shown = await kit.gql<{
      integration: { executionCluster: { name: string; conditions: { type: string; status: string }[] } };
    }>(
      'query($t: String!) { integration(tenant: $t, name: "pool") { executionCluster { name conditions { type status } } } }',
      { t: tenant },
    );
    expect(shown.integration.executionCluster).toEqual({
      name: ecName,
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'NamespacePrepared', status: 'True' },
      ],
    });
  });

  it('prepares the tenant namespace in the worker cluster, not only in the control cluster', async () => {
    const ns = `cyclone-${tenant}`;
    const namespace = await kit.worker.core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels).toMatchObject({ [LABELS.tenant]: tenant, 'cyclone.dev/cluster': ecName });
    const quota = await kit.worker.core.readNamespacedResourceQuota({ name: 'cyclone-quota', namespace: ns });
    expect(quota.spec?.hard?.['limits.cpu']).toBe('16');
    await kit.worker.core.readNamespacedServiceAccount({ name: 'cyclone-stage', namespace: ns });
    expect(
      await readObject(kit.worker, 'NetworkPolicy', 'cyclone-default-deny', ns, 'networking.k8s.io/v1'),
    ).toBeDefined();
    // The worker has no Cyclone CRDs: only the control cluster holds custom resources.
    expect(
      await kit.worker.apiextensions
        .readCustomResourceDefinition({ name: 'workflows.cyclone.dev' })
        .catch(() => undefined),
    ).toBeUndefined();
    // Both clusters hold the namespace: they are different API servers.
    expect((await kit.clients.core.readNamespace({ name: ns })).metadata?.uid).not.toBe(namespace.metadata?.uid);
  });

  it('records an unreachable worker cluster as the sync error', async () => {
    const integration = await kit.db.integration.findFirstOrThrow({
      where: { name: 'pool', tenant: { name: tenant } },
    });
    const broken = kit.workerKubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1');
    await kit.gql('mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { name } }', {
      input: { tenant, name: 'pool', secret: { kubeconfig: broken } },
    });
    await kit.reconciler.reconcileAll();
    const state = await kit.db.syncState.findUniqueOrThrow({
      where: { objectType_objectId: { objectType: 'cluster', objectId: integration.id } },
    });
    expect(state.phase).toBe('ERROR');
    expect(state.lastError).toMatch(/^worker cluster unreachable: .*ECONNREFUSED/);
    const ec = (await readObject(kit.clients, 'ExecutionCluster', ecName)) as unknown as {
      status: { conditions: { type: string; status: string; reason: string; message: string }[] };
    };
    expect(ec.status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'Unreachable'],
      ['NamespacePrepared', 'Unknown', 'Unreachable'],
    ]);
    expect(ec.status.conditions[0]?.message).toContain('ECONNREFUSED');
    await kit.gql('mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { name } }', {
      input: { tenant, name: 'pool', secret: { kubeconfig: kit.workerKubeconfig } },
    });
    await kit.reconciler.reconcileAll();
    expect(
      (
        await kit.db.syncState.findUniqueOrThrow({
          where: { objectType_objectId: { objectType: 'cluster', objectId: integration.id } },
        })
      ).phase,
    ).toBe('SYNCED');
  });

  it('refuses a stored kubeconfig that runs a command or points inside the platform, on every mirror pass', async () => {
    const integration = await kit.db.integration.findFirstOrThrow({
      where: { name: 'pool', tenant: { name: tenant } },
    });
    const dir = mkdtempSync(join(tmpdir(), 'cyclone-mirror-'));
    const marker = join(dir, 'exec-ran');
    const parsed = loadAllYaml(kit.workerKubeconfig)[0] as {
      users: { user: Record<string, unknown> }[];
      clusters: { cluster: { server: string } }[];
    };
    const withExec = structuredClone(parsed);
    (withExec.users[0] as { user: Record<string, unknown> }).user = {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', `touch ${marker}`] },
    };
    const inside = structuredClone(parsed);
    const cluster = (inside.clusters[0] as { cluster: { server: string } }).cluster;
    cluster.server = cluster.server.replace('127.0.0.1', '127.0.0.2');
    const cases: [Record<string, unknown>, RegExp][] = [
      [withExec, /users\[0\]\.user\.exec: runs a command/],
      [inside, /127\.0\.0\.2 is a loopback address/],
    ];
    for (const [kubeconfig, expected] of cases) {
      // Stored as it is: rows written before kubeconfigs were checked.
      await kit.db.integration.update({
        where: { id: integration.id },
        data: { secretCiphertext: kit.box.sealJson({ kubeconfig: JSON.stringify(kubeconfig) }) },
      });
      await kit.reconciler.reconcileAll();
      const state = await kit.db.syncState.findUniqueOrThrow({
        where: { objectType_objectId: { objectType: 'cluster', objectId: integration.id } },
      });
      expect(state.phase).toBe('ERROR');
      expect(state.lastError).toMatch(expected);
    }
    expect(existsSync(marker)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    await kit.gql('mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { name } }', {
      input: { tenant, name: 'pool', secret: { kubeconfig: kit.workerKubeconfig } },
    });
    await kit.reconciler.reconcileAll();
  });

  it('cleans the worker cluster up when the integration is removed, then lets the ExecutionCluster go', async () => {
    await kit.gql('mutation($input: IntegrationRefInput!) { deleteIntegration(input: $input) }', {
      input: { tenant, name: 'pool' },
    });
    await kit.reconciler.reconcileAll(); // deletes: the finalizer holds the ExecutionCluster
    const terminating = await readObject<Ec>(kit.clients, 'ExecutionCluster', ecName);
    expect(terminating?.metadata.deletionTimestamp).toBeTruthy();
    await kit.reconciler.reconcileAll(); // finalizes
    await waitFor(
      async () => ((await readObject(kit.clients, 'ExecutionCluster', ecName)) === undefined ? true : undefined),
      { what: 'the ExecutionCluster to be gone', ...RECONCILE_WAIT },
    );
    const workerNs = await kit.worker.core.readNamespace({ name: `cyclone-${tenant}` }).catch(() => undefined);
    expect(workerNs === undefined || workerNs.status?.phase === 'Terminating').toBe(true);
    expect(
      await readObject(kit.clients, 'Secret', `cluster-${tenant}-pool`, kit.systemNamespace, 'v1'),
    ).toBeUndefined();
    // The tenant's own namespace in the control cluster stays.
    expect((await kit.clients.core.readNamespace({ name: `cyclone-${tenant}` })).status?.phase).toBe('Active');
  });
});
