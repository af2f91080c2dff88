// The controller with exactly the rights k8s/manifests gives it: the shipped
// ServiceAccount, ClusterRoles, bindings, Role and admission policies are applied to
// the test control plane (RBAC on), and the mirror and a Kubernetes-executor run use
// a token of that ServiceAccount and nothing else. Then what it must not do: read
// Secrets or run pods outside tenant namespaces, bind any other role, make or change
// namespaces that are not Cyclone's.
import {
  type KubeClients,
  PatchStrategy,
  setHeaderOptions,
  type V1ResourceAttributes,
  type V1RoleBinding,
} from '@cyclone/k8s';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, startController } from '../controller/controller.js';
import { kwokAnnotations, kwokPodDefaults } from '../controller/executors/kubernetes/kube-executor.fixture.js';
import { KubernetesExecutor } from '../controller/executors/kubernetes/kubernetes-executor.js';
import { workspaceClaimName } from '../controller/executors/kubernetes/names.js';
import { LeaderElector } from '../controller/leader-election.js';
import { RunReconciler } from '../controller/run-reconciler.js';
import { CONTROLLER_ACCOUNT, controllerClients } from '../testing/controller-identity.js';
import { type KubeSyncKit, readObject, startKubeSyncKit, suffix } from '../testing/kube-sync-kit.js';
import { runHelpers, sh } from '../testing/stage-io.js';
import { waitFor } from '../testing/wait.js';
import { KubeReconciler } from './kube-reconciler.js';
import { CONTROLLER_LEASE } from './start-kubernetes.js';
import { TENANT_BINDING, TENANT_CLUSTER_ROLE } from './tenant-access.js';

const PIPELINE = `
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: ci
spec:
  stages:
    - name: test
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: test
spec:
  pod:
    spec:
      containers:
        - image: alpine:3.20
          command: [sh, -c, "make test"]
---
apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata:
  name: nightly
spec:
  type: Cron
  cron:
    schedule: "0 3 * * *"
  workflowRef:
    name: ci
`;

const logger = pino({ level: 'silent' });
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The HTTP status and server message of a refused request. */
async function refusal(request: Promise<unknown>): Promise<{ code?: number; message: string }> {
  try {
    await request;
  } catch (err) {
    const { code, body } = err as { code?: number; body?: string };
    return { code, message: (JSON.parse(body ?? '{}') as { message?: string }).message ?? String(err) };
  }
  throw new Error('the request was allowed');
}

describe('the controller with the RBAC of k8s/manifests', () => {
  let kit: KubeSyncKit;
  /** The controller's ServiceAccount token, nothing else. */
  let controller: KubeClients;
  let reconciler: KubeReconciler;
  let tenant: string;
  let ns: string;
  /** A namespace that is not Cyclone's, with a Secret in it. */
  let victim: string;
  let tenantId: string;

  beforeAll(async () => {
    kit = await startKubeSyncKit({ CYCLONE_ROLE: 'server' });
    controller = await controllerClients(kit.clients, kit.systemNamespace);
    reconciler = kit.newReconciler({ clients: controller });
    tenant = `rbac-${suffix()}`;
    ns = `cyclone-${tenant}`;
    victim = `victim-${suffix()}`;
    await kit.clients.core.createNamespace({ body: { metadata: { name: victim } } });
    await kit.clients.core.createNamespacedSecret({
      namespace: victim,
      body: { metadata: { name: 'db-password' }, stringData: { password: 'hunter2' } },
    });
    await kit.seedPipeline(tenant, PIPELINE, { quota: { cpu: '8', memory: '16Gi' }, withGithubIntegration: true });
    tenantId = (await kit.db.tenant.findUniqueOrThrow({ where: { name: tenant } })).id;
    await kit.gql('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
      input: { tenant, name: 'pool', type: 'KUBERNETES', secret: { kubeconfig: kit.workerKubeconfig } },
    });
    await reconciler.reconcileAll();
  });

  afterAll(async () => {
    for (const name of [ns, victim]) await kit?.clients.core.deleteNamespace({ name }).catch(() => {});
    await kit?.worker.core.deleteNamespace({ name: ns }).catch(() => {});
    await kit?.stop();
  });

  const syncErrors = async () =>
    (await kit.db.syncState.findMany({ where: { tenantId } }))
      .filter((s) => s.phase !== 'SYNCED')
      .map((s) => `${s.objectType}: ${s.lastError}`);

  it('mirrors a tenant: its namespace and contents, custom resources, Secrets and worker cluster', async () => {
    expect(await syncErrors()).toEqual([]);
    const types = new Set((await kit.db.syncState.findMany({ where: { tenantId } })).map((s) => s.objectType));
    expect([...types].sort()).toEqual(['cluster', 'integration', 'project', 'stage', 'tenant', 'trigger', 'workflow']);
    const namespace = await kit.clients.core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // Bound in its namespace only, to cyclone-tenant, by the controller itself.
    const binding = await kit.clients.rbac.readNamespacedRoleBinding({ name: TENANT_BINDING, namespace: ns });
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: TENANT_CLUSTER_ROLE,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: CONTROLLER_ACCOUNT, namespace: kit.systemNamespace },
    ]);
    for (const [kind, name, apiVersion] of [
      ['ResourceQuota', 'cyclone-quota', 'v1'],
      ['LimitRange', 'cyclone-defaults', 'v1'],
      ['ServiceAccount', 'cyclone-stage', 'v1'],
      ['NetworkPolicy', 'cyclone-default-deny', 'networking.k8s.io/v1'],
      ['Secret', 'integration-github', 'v1'],
      ['Project', 'web', undefined],
      ['Workflow', 'web.ci', undefined],
      ['Stage', 'web.ci.test', undefined],
      ['Stage', 'web.test', undefined],
      ['WorkflowTrigger', 'web.ci.nightly', undefined],
    ] as const) {
      expect(await readObject(kit.clients, kind, name, ns, apiVersion), `${kind} ${name}`).toBeDefined();
    }
    // The worker cluster: its kubeconfig in Cyclone's namespace, the cluster-scoped
    // ExecutionCluster with its conditions.
    expect(await readObject(kit.clients, 'Secret', `cluster-${tenant}-pool`, kit.systemNamespace, 'v1')).toBeDefined();
    const ec = await readObject<{ status?: { conditions?: { type: string; status: string }[] } }>(
      kit.clients,
      'ExecutionCluster',
      `${tenant}.pool`,
    );
    expect(ec?.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
      ['NamespacePrepared', 'True'],
    ]);
  });

  it('binds itself again where its RoleBinding was removed, and repairs the namespace', async () => {
    await kit.clients.rbac.deleteNamespacedRoleBinding({ name: TENANT_BINDING, namespace: ns });
    await kit.clients.objects.delete({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'cyclone-default-deny', namespace: ns },
    });
    await kit.gql('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
      input: { tenant, name: 'mirror', type: 'GITHUB', config: { username: 'bot' }, secret: { token: 't' } },
    });
    await reconciler.reconcileAll();
    expect(await syncErrors()).toEqual([]);
    expect(await kit.clients.rbac.readNamespacedRoleBinding({ name: TENANT_BINDING, namespace: ns })).toBeDefined();
    expect(
      await readObject(kit.clients, 'NetworkPolicy', 'cyclone-default-deny', ns, 'networking.k8s.io/v1'),
    ).toBeDefined();
    expect(await readObject(kit.clients, 'Secret', 'integration-mirror', ns, 'v1')).toBeDefined();
  });

  it('runs a two-stage workflow on kwok nodes: WorkflowRun, claim, Secrets and pods, deleted after', async () => {
    let runs: RunReconciler | undefined;
    const executor = new KubernetesExecutor({
      db: kit.db,
      sql: kit.sql,
      logger,
      clients: controller,
      box: kit.box,
      instance: kit.instance,
      apiUrl: kit.api.url,
      helperImage: 'cyclone/stage-helper:test',
      podGcDelayMs: 0,
      storageClassName: '',
      podDefaults: kwokPodDefaults,
      decoratePod: kwokAnnotations,
      onExit: (exit) => (runs as RunReconciler).recordExit(exit),
    });
    await executor.startWatching();
    runs = new RunReconciler({ sql: kit.sql, logger, executor, box: kit.box });
    const loop: Controller = startController([runs], { intervalMs: 200, logger });
    try {
      const h = runHelpers(kit.api, () => kit.token, { tenant, project: 'web' });
      await h.createWorkflow('two', [sh('a', 'make'), sh('b', 'make', { dependsOn: ['a'] })]);
      // The claim's volume (the test cluster has no provisioner; volumes are the admin's).
      await kit.clients.core.createPersistentVolume({
        body: {
          metadata: { name: `${ns}-two-1` },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            hostPath: { path: `/tmp/${ns}-two-1` },
            storageClassName: '',
            claimRef: { namespace: ns, name: workspaceClaimName('two-1') },
          },
        },
      });
      const run = await h.waitEnd(await h.start('two'), 60_000);
      expect(run.stages.map((s) => [s.name, s.phase, s.message])).toEqual([
        ['a', 'SUCCEEDED', expect.anything()],
        ['b', 'SUCCEEDED', expect.anything()],
      ]);
      expect(run.phase).toBe('SUCCEEDED');
      // Ended pods deleted at once (podGcDelayMs 0), the summary status written.
      await waitFor(
        async () =>
          (await kit.clients.core.listNamespacedPod({ namespace: ns, labelSelector: 'cyclone.dev/run=two-1' })).items
            .length === 0,
        { what: "the run's pods to be deleted", timeoutMs: 30_000 },
      );
      const cr = await waitFor(
        () => readObject<{ status?: { phase?: string } }>(kit.clients, 'WorkflowRun', 'two-1', ns),
        { until: (o) => o?.status?.phase === 'Succeeded', what: 'WorkflowRun two-1 to succeed', timeoutMs: 30_000 },
      );
      expect(cr?.status?.phase).toBe('Succeeded');
      expect(await readObject(kit.clients, 'PersistentVolumeClaim', 'two-1-workspace', ns, 'v1')).toBeDefined();
    } finally {
      await loop.stop();
      await executor.shutdown();
      await kit.clients.core.deletePersistentVolume({ name: `${ns}-two-1` }).catch(() => {});
    }
  });

  it('may not read Secrets, run pods or change anything outside tenant namespaces', async () => {
    const may = async (attributes: V1ResourceAttributes) =>
      (
        await controller.authorization.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: attributes } },
        })
      ).status?.allowed === true;
    const denied: V1ResourceAttributes[] = [
      { verb: 'get', resource: 'secrets', namespace: 'kube-system' },
      { verb: 'list', resource: 'secrets', namespace: 'kube-system' },
      { verb: 'list', resource: 'secrets' },
      { verb: 'watch', resource: 'secrets' },
      { verb: 'get', resource: 'secrets', namespace: victim, name: 'db-password' },
      { verb: 'get', resource: 'secrets', namespace: ns },
      { verb: 'create', resource: 'pods', namespace: 'kube-system' },
      { verb: 'create', resource: 'pods', namespace: victim },
      { verb: 'list', resource: 'pods' },
      { verb: 'get', resource: 'pods', namespace: victim },
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: ns },
      { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: ns },
      { verb: 'get', resource: 'serviceaccounts', namespace: victim, name: 'builder' },
      { verb: 'list', resource: 'serviceaccounts', namespace: ns },
      { verb: 'get', resource: 'persistentvolumeclaims', namespace: victim, name: 'cache' },
      { verb: 'get', resource: 'configmaps', namespace: 'kube-system' },
      { verb: 'list', resource: 'nodes' },
      { verb: 'create', resource: 'persistentvolumes' },
      { verb: 'delete', resource: 'namespaces', namespace: victim, name: victim },
      { verb: 'patch', resource: 'namespaces', namespace: 'kube-system', name: 'kube-system' },
      { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'cluster-admin' },
      { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' },
      { verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
      { verb: 'update', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: TENANT_CLUSTER_ROLE },
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: ns },
      {
        verb: 'delete',
        group: 'rbac.authorization.k8s.io',
        resource: 'rolebindings',
        namespace: ns,
        name: TENANT_BINDING,
      },
      { verb: 'impersonate', resource: 'users' },
      { verb: 'impersonate', resource: 'serviceaccounts', namespace: ns },
      { verb: 'create', group: 'apps', resource: 'daemonsets', namespace: ns },
      { verb: 'list', group: 'cyclone.dev', resource: 'workflowruns' },
    ];
    const allowed: V1ResourceAttributes[] = [
      { verb: 'create', resource: 'pods', namespace: ns },
      // A run's own service account is read (its grant label) before its pods use it.
      { verb: 'get', resource: 'serviceaccounts', namespace: ns, name: 'builder' },
      // So is a claim a run mounts (Cyclone's own are refused).
      { verb: 'get', resource: 'persistentvolumeclaims', namespace: ns, name: 'cache' },
      { verb: 'list', resource: 'secrets', namespace: ns },
      { verb: 'list', resource: 'secrets', namespace: kit.systemNamespace },
      { verb: 'delete', resource: 'namespaces', namespace: ns, name: ns },
      { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: TENANT_CLUSTER_ROLE },
      // The GitOps intake: WorkflowRuns made with kubectl, and its verdict in their status.
      { verb: 'list', group: 'cyclone.dev', resource: 'workflowruns', namespace: ns },
      { verb: 'patch', group: 'cyclone.dev', resource: 'workflows', subresource: 'status', namespace: ns, name: 'x' },
    ];
    for (const attributes of denied) expect(await may(attributes), JSON.stringify(attributes)).toBe(false);
    for (const attributes of allowed) expect(await may(attributes), JSON.stringify(attributes)).toBe(true);

    // The same, tried for real.
    const { core, rbac } = controller;
    expect((await refusal(core.readNamespacedSecret({ name: 'db-password', namespace: victim }))).code).toBe(403);
    expect((await refusal(core.listNamespacedSecret({ namespace: 'kube-system' }))).code).toBe(403);
    expect((await refusal(core.listSecretForAllNamespaces())).code).toBe(403);
    const pod = { metadata: { name: 'intruder' }, spec: { containers: [{ name: 'x', image: 'alpine:3.20' }] } };
    expect((await refusal(core.createNamespacedPod({ namespace: victim, body: pod }))).code).toBe(403);
    expect((await refusal(core.createNamespacedPod({ namespace: 'kube-system', body: pod }))).code).toBe(403);
    expect((await refusal(core.listPodForAllNamespaces())).code).toBe(403);
    expect(
      (
        await refusal(
          core.patchNamespace({ name: 'kube-system', body: { metadata: { labels: { x: 'y' } } } }, mergePatch),
        )
      ).code,
    ).toBe(403);
    expect((await refusal(core.deleteNamespace({ name: victim }))).code).toBe(403);

    const self = { kind: 'ServiceAccount', name: CONTROLLER_ACCOUNT, namespace: kit.systemNamespace };
    const binding = (namespace: string, role: string, subject = self): V1RoleBinding => ({
      metadata: { name: `grab-${suffix()}`, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [subject],
    });
    const bind = (namespace: string, role: string, subject = self) =>
      refusal(rbac.createNamespacedRoleBinding({ namespace, body: binding(namespace, role, subject) }));
    // RBAC: no `bind` on any other ClusterRole, not even in its own tenant namespace.
    for (const [namespace, role] of [
      [victim, 'cluster-admin'],
      ['kube-system', 'admin'],
      [ns, 'edit'],
    ] as const) {
      const refused = await bind(namespace, role);
      expect(refused.code, `${role} in ${namespace}`).toBe(403);
      expect(refused.message).toContain('attempting to grant RBAC permissions not currently held');
    }
    // The admission policy: cyclone-tenant only in Cyclone's namespaces, and to itself only.
    for (const namespace of [victim, 'kube-system', kit.systemNamespace]) {
      const refused = await bind(namespace, TENANT_CLUSTER_ROLE);
      expect(refused.code, namespace).toBe(403);
      expect(refused.message).toContain(
        'binds itself only in namespaces labelled app.kubernetes.io/managed-by=cyclone',
      );
    }
    const other = await bind(ns, TENANT_CLUSTER_ROLE, { kind: 'ServiceAccount', name: 'default', namespace: victim });
    expect(other).toMatchObject({ code: 403, message: expect.stringContaining('to itself only') });
    const clusterBinding = {
      metadata: { name: `grab-${suffix()}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [self],
    };
    expect((await refusal(rbac.createClusterRoleBinding({ body: clusterBinding }))).code).toBe(403);

    // Namespaces: only cyclone-<tenant>, Cyclone's label, Pod Security restricted or baseline.
    const namespace = (name: string, labels: Record<string, string>) =>
      refusal(core.createNamespace({ body: { metadata: { name, labels } } }));
    const ours = { 'app.kubernetes.io/managed-by': 'cyclone', 'pod-security.kubernetes.io/enforce': 'restricted' };
    expect(await namespace(`elsewhere-${suffix()}`, ours)).toMatchObject({
      code: 403,
      message: expect.stringContaining('makes namespaces named cyclone-<tenant>'),
    });
    expect(await namespace(`cyclone-${suffix()}`, { 'app.kubernetes.io/managed-by': 'cyclone' })).toMatchObject({
      code: 403,
      message: expect.stringContaining('enforces Pod Security restricted or baseline'),
    });
    expect(
      await namespace(`cyclone-${suffix()}`, { ...ours, 'pod-security.kubernetes.io/enforce': 'privileged' }),
    ).toMatchObject({ code: 403 });
    const lowered = await refusal(
      core.patchNamespace(
        { name: ns, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } } },
        mergePatch,
      ),
    );
    expect(lowered).toMatchObject({ code: 403, message: expect.stringContaining('Pod Security') });
    // Nothing of all that happened.
    expect(
      (await kit.clients.core.readNamespace({ name: ns })).metadata?.labels?.['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
    expect((await kit.clients.rbac.listNamespacedRoleBinding({ namespace: victim })).items).toEqual([]);
  });

  it("holds its leader Lease in Cyclone's namespace, and may not elsewhere", async () => {
    const elector = new LeaderElector({
      clients: controller,
      namespace: kit.systemNamespace,
      name: CONTROLLER_LEASE,
      identity: 'controller-0',
      logger,
      retryPeriodMs: 200,
    });
    elector.start();
    try {
      await waitFor(() => elector.isLeader(), { what: 'the controller to lead' });
    } finally {
      await elector.stop();
    }
    const lease = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', name: CONTROLLER_LEASE };
    const held = (await kit.clients.customObjects.getNamespacedCustomObject({
      ...lease,
      namespace: kit.systemNamespace,
    })) as { spec: { holderIdentity?: string } };
    // Written by the controller, and given up (holder cleared) when it stopped.
    expect(held.spec.holderIdentity).toBe('');
    const elsewhere = await refusal(
      controller.customObjects.createNamespacedCustomObject({
        ...lease,
        namespace: ns,
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: CONTROLLER_LEASE } },
      }),
    );
    expect(elsewhere.code).toBe(403);
  });

  it('removes a deleted tenant: the worker cluster through its finalizer, then the namespace', async () => {
    await kit.db.tenant.delete({ where: { id: tenantId } });
    await waitFor(
      async () => {
        await reconciler.reconcileAll();
        return (await readObject(kit.clients, 'ExecutionCluster', `${tenant}.pool`)) === undefined;
      },
      { what: 'the ExecutionCluster to be finalized', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(
      await readObject(kit.clients, 'Secret', `cluster-${tenant}-pool`, kit.systemNamespace, 'v1'),
    ).toBeUndefined();
    const namespace = await kit.clients.core.readNamespace({ name: ns }).catch(() => undefined);
    expect(namespace === undefined || namespace.status?.phase === 'Terminating').toBe(true);
  });
});
