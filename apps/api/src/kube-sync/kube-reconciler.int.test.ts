// The reconciler against a real kube-apiserver and Postgres: tenant namespaces,
// custom resources, drift repair, pruning, sync state.
import { LABELS } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeSyncKit, readObject, startKubeSyncKit, suffix } from '../testing/kube-sync-kit.js';

const PIPELINE = `
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: sources
spec:
  type: Git
  parameters:
    - name: SCM_URL
      value: https://git.example.com/app.git
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: test
spec:
  pod:
    inputs:
      resources:
        - name: sources
          path: /work
    spec:
      containers:
        - image: alpine:3.20
          command: [sh, -c, "make test"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: package
spec:
  pod:
    spec:
      containers:
        - image: alpine:3.20
          command: [sh, -c, "make package"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: ci
spec:
  globalVariables:
    - name: MODE
      value: fast
  stages:
    - name: test
    - name: package
      depends: [test]
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

type Cr = {
  metadata: {
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; uid: string }[];
  };
  spec: Record<string, unknown>;
};

describe('KubeReconciler', () => {
  let kit: KubeSyncKit;
  let tenant: string;
  let ns: string;

  beforeAll(async () => {
    kit = await startKubeSyncKit();
    tenant = `acme-${suffix()}`;
    ns = `cyclone-${tenant}`;
    await kit.seedPipeline(tenant, PIPELINE, {
      quota: { cpu: '4', memory: '8Gi' },
      projectDescription: 'The web shop',
      withGithubIntegration: true,
    });
    await kit.reconciler.reconcileAll();
  });

  afterAll(async () => {
    await kit?.clients.core.deleteNamespace({ name: ns }).catch(() => {});
    await kit?.stop();
  });

  it('prepares the tenant namespace with quota, defaults, RBAC and a default-deny policy', async () => {
    const { core } = kit.clients;
    const namespace = await core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'cyclone',
      'cyclone.dev/tenant': tenant,
      'cyclone.dev/instance': kit.instance,
      // Pod Security Admission: restricted unless a platform admin granted baseline.
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    const quota = await core.readNamespacedResourceQuota({ name: 'cyclone-quota', namespace: ns });
    expect(quota.spec?.hard).toEqual({
      'limits.cpu': '4',
      'requests.cpu': '4',
      'limits.memory': '8Gi',
      'requests.memory': '8Gi',
    });
    const limits = await core.readNamespacedLimitRange({ name: 'cyclone-defaults', namespace: ns });
    expect(limits.spec?.limits[0]).toMatchObject({
      type: 'Container',
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      _default: { cpu: '1', memory: '1Gi' },
      max: { cpu: '4', memory: '8Gi' },
    });
    await core.readNamespacedServiceAccount({ name: 'cyclone-stage', namespace: ns });
    // The stage account may do nothing in Kubernetes: no Role, no RoleBinding.
    for (const kind of ['Role', 'RoleBinding']) {
      expect(await readObject(kit.clients, kind, 'cyclone-stage', ns, 'rbac.authorization.k8s.io/v1')).toBeUndefined();
    }
    const policy = await readObject<{ spec: Record<string, unknown> }>(
      kit.clients,
      'NetworkPolicy',
      'cyclone-default-deny',
      ns,
      'networking.k8s.io/v1',
    );
    // Egress: DNS, and everywhere but link-local (cloud metadata) and what the operator denies.
    expect(policy?.spec).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const egress = (policy?.spec.egress ?? []) as { to: unknown[] }[];
    expect(egress[1]?.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } },
      { ipBlock: { cidr: '::/0', except: ['fe80::/10'] } },
    ]);
    expect(policy?.spec.ingress).toBeUndefined();
  });

  it('writes the project, resources, stages, workflow and trigger as owned custom resources', async () => {
    const project = await readObject<Cr>(kit.clients, 'Project', 'web', ns);
    expect(project?.spec).toEqual({ description: 'The web shop' });

    const workflow = await readObject<Cr>(kit.clients, 'Workflow', 'web.ci', ns);
    expect(workflow?.spec).toEqual({
      globalVariables: [{ name: 'MODE', value: 'fast' }],
      stages: [{ name: 'test' }, { name: 'package', depends: ['test'] }],
    });
    const row = await kit.db.workflow.findFirstOrThrow({
      where: { name: 'ci', project: { tenant: { name: tenant } } },
    });
    expect(workflow?.metadata.labels).toMatchObject({
      [LABELS.managedBy]: 'cyclone',
      [LABELS.tenant]: tenant,
      [LABELS.project]: 'web',
      [LABELS.workflow]: 'ci',
      [LABELS.id]: row.id,
    });
    expect(workflow?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Project', uid: project?.metadata.uid, controller: true }),
    ]);

    // The version's stage definitions, owned by the workflow.
    const stage = await readObject<Cr>(kit.clients, 'Stage', 'web.ci.test', ns);
    expect(stage?.spec).toEqual({
      pod: {
        inputs: { resources: [{ name: 'sources', path: '/work' }] },
        spec: { containers: [{ image: 'alpine:3.20', command: ['sh', '-c', 'make test'] }] },
      },
    });
    expect(stage?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Workflow', uid: workflow?.metadata.uid });
    // The project's own stages and resources.
    expect(await readObject(kit.clients, 'Stage', 'web.package', ns)).toBeDefined();
    const resource = await readObject<Cr>(kit.clients, 'Resource', 'web.sources', ns);
    expect(resource?.spec).toEqual({
      type: 'Git',
      parameters: [{ name: 'SCM_URL', value: 'https://git.example.com/app.git' }],
    });

    const trigger = await readObject<Cr>(kit.clients, 'WorkflowTrigger', 'web.ci.nightly', ns);
    expect(trigger?.spec).toMatchObject({
      type: 'Cron',
      cron: { schedule: '0 3 * * *' },
      workflowRef: { name: 'web.ci' },
    });
    expect(trigger?.metadata.ownerReferences?.[0]?.uid).toBe(workflow?.metadata.uid);
  });

  it('turns integration secrets into Opaque Secrets in the tenant namespace', async () => {
    const secret = await kit.clients.core.readNamespacedSecret({ name: 'integration-github', namespace: ns });
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata?.labels?.[LABELS.managedBy]).toBe('cyclone');
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    expect(decoded).toMatchObject({ token: 's3cret', username: 'bot' });
  });

  it('puts back a hand edit and recreates a hand delete on the next pass', async () => {
    const { customObjects } = kit.clients;
    const ref = { group: 'cyclone.dev', version: 'v1alpha1', namespace: ns, plural: 'workflows', name: 'web.ci' };
    const before = (await customObjects.getNamespacedCustomObject(ref)) as Cr;
    await customObjects.replaceNamespacedCustomObject({
      ...ref,
      body: { ...before, spec: { stages: [{ name: 'hacked' }] } },
    });
    await customObjects.deleteNamespacedCustomObject({ ...ref, plural: 'resources', name: 'web.sources' });
    await kit.clients.objects.delete({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'cyclone-default-deny', namespace: ns },
    });

    await kit.reconciler.reconcileAll();

    const after = (await customObjects.getNamespacedCustomObject(ref)) as Cr;
    expect(after.spec.stages).toEqual([{ name: 'test' }, { name: 'package', depends: ['test'] }]);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(await readObject(kit.clients, 'Resource', 'web.sources', ns)).toBeDefined();
    expect(
      await readObject(kit.clients, 'NetworkPolicy', 'cyclone-default-deny', ns, 'networking.k8s.io/v1'),
    ).toBeDefined();
    // The recorded generation is the one after the repair.
    const row = await kit.db.workflow.findFirstOrThrow({
      where: { name: 'ci', project: { tenant: { name: tenant } } },
    });
    const state = await kit.db.syncState.findUniqueOrThrow({
      where: { objectType_objectId: { objectType: 'workflow', objectId: row.id } },
    });
    expect(state).toMatchObject({ phase: 'SYNCED', generation: after.metadata.generation, lastError: null });
  });

  it('changes nothing on a pass over an unchanged world', async () => {
    const before = await readObject<Cr & { metadata: { resourceVersion?: string } }>(
      kit.clients,
      'Workflow',
      'web.ci',
      ns,
    );
    const states = await kit.db.syncState.findMany({ orderBy: { objectId: 'asc' } });
    await kit.reconciler.reconcileAll();
    const after = await readObject<Cr & { metadata: { resourceVersion?: string } }>(
      kit.clients,
      'Workflow',
      'web.ci',
      ns,
    );
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect(await kit.db.syncState.findMany({ orderBy: { objectId: 'asc' } })).toEqual(states);
  });

  it('shows the sync state in GraphQL, PENDING until a change is applied', async () => {
    const query = `query($tenant: String!) {
      tenant(name: $tenant) { syncStatus { state syncedAt error } }
      project(tenant: $tenant, name: "web") { syncStatus { state } }
      workflow(tenant: $tenant, project: "web", name: "ci") { syncStatus { state generation syncedAt error } }
    }`;
    type Result = {
      tenant: { syncStatus: { state: string; syncedAt: string; error: string | null } };
      project: { syncStatus: { state: string } };
      workflow: { syncStatus: { state: string; generation: number; syncedAt: string; error: string | null } };
    };
    const synced = await kit.gql<Result>(query, { tenant });
    expect(synced.tenant.syncStatus).toMatchObject({ state: 'SYNCED', error: null });
    expect(synced.project.syncStatus.state).toBe('SYNCED');
    expect(synced.workflow.syncStatus).toMatchObject({ state: 'SYNCED', error: null });
    expect(synced.workflow.syncStatus.generation).toBeGreaterThanOrEqual(1);

    await kit.gql('mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }', {
      input: { tenant, project: 'web', yaml: PIPELINE.replace('value: fast', 'value: thorough') },
    });
    expect((await kit.gql<Result>(query, { tenant })).workflow.syncStatus.state).toBe('PENDING');
    await kit.reconciler.reconcileAll();
    const applied = await kit.gql<Result>(query, { tenant });
    expect(applied.workflow.syncStatus.state).toBe('SYNCED');
    expect(applied.workflow.syncStatus.generation).toBeGreaterThan(synced.workflow.syncStatus.generation);
    const workflow = await readObject<Cr & { metadata: { annotations?: Record<string, string> } }>(
      kit.clients,
      'Workflow',
      'web.ci',
      ns,
    );
    expect(workflow?.spec.globalVariables).toEqual([{ name: 'MODE', value: 'thorough' }]);
    expect(workflow?.metadata.annotations?.['cyclone.dev/version']).toBe('2');
  });

  it('records an apply the API server refuses as the last error, and recovers', async () => {
    const row = await kit.db.tenant.findUniqueOrThrow({ where: { name: tenant } });
    await kit.db.tenant.update({ where: { id: row.id }, data: { quotaCpu: 'lots' } });
    await kit.reconciler.reconcileAll();
    const failed = await kit.db.syncState.findUniqueOrThrow({
      where: { objectType_objectId: { objectType: 'tenant', objectId: row.id } },
    });
    expect(failed.phase).toBe('ERROR');
    expect(failed.lastError).toMatch(/ResourceQuota cyclone-quota: .*quantities must match/);
    const shown = await kit.gql<{ tenant: { syncStatus: { state: string; error: string } } }>(
      'query($t: String!) { tenant(name: $t) { syncStatus { state error } } }',
      { t: tenant },
    );
    expect(shown.tenant.syncStatus).toMatchObject({ state: 'ERROR', error: failed.lastError });
    // The rest of the tenant is still reconciled.
    expect(await readObject(kit.clients, 'Workflow', 'web.ci', ns)).toBeDefined();

    await kit.db.tenant.update({ where: { id: row.id }, data: { quotaCpu: '2' } });
    await kit.reconciler.reconcileAll();
    const recovered = await kit.db.syncState.findUniqueOrThrow({
      where: { objectType_objectId: { objectType: 'tenant', objectId: row.id } },
    });
    expect(recovered).toMatchObject({ phase: 'SYNCED', lastError: null });
    const quota = await kit.clients.core.readNamespacedResourceQuota({ name: 'cyclone-quota', namespace: ns });
    expect(quota.spec?.hard?.['limits.cpu']).toBe('2');
  });

  it('removes what has no row any more, and its sync state', async () => {
    const row = await kit.db.workflow.findFirstOrThrow({
      where: { name: 'ci', project: { tenant: { name: tenant } } },
    });
    await kit.gql('mutation($input: WorkflowRefInput!) { deleteWorkflow(input: $input) }', {
      input: { tenant, project: 'web', name: 'ci' },
    });
    await kit.gql('mutation($input: IntegrationRefInput!) { deleteIntegration(input: $input) }', {
      input: { tenant, name: 'github' },
    });
    await kit.reconciler.reconcileAll();
    expect(await readObject(kit.clients, 'Workflow', 'web.ci', ns)).toBeUndefined();
    expect(await readObject(kit.clients, 'WorkflowTrigger', 'web.ci.nightly', ns)).toBeUndefined();
    // The workflow's stages go with it (owner references, garbage collector).
    await expect
      .poll(async () => readObject(kit.clients, 'Stage', 'web.ci.test', ns), { timeout: 30_000 })
      .toBeUndefined();
    expect(await readObject(kit.clients, 'Stage', 'web.package', ns)).toBeDefined();
    expect(await readObject(kit.clients, 'Secret', 'integration-github', ns, 'v1')).toBeUndefined();
    expect(
      await kit.db.syncState.findUnique({
        where: { objectType_objectId: { objectType: 'workflow', objectId: row.id } },
      }),
    ).toBeNull();
  });

  it("leaves a stage pod's Secret alone: the executor's, though it carries this installation's labels", async () => {
    const name = `stage-${suffix()}`;
    await kit.clients.core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: {
          name,
          labels: { [LABELS.managedBy]: 'cyclone', 'cyclone.dev/instance': kit.instance, 'cyclone.dev/run': 'ci-1' },
        },
        stringData: { token: 'stage' },
      },
    });
    await kit.reconciler.reconcileAll();
    expect(await readObject(kit.clients, 'Secret', name, ns, 'v1')).toBeDefined();
  });

  it('removes the namespace of a deleted tenant but not objects of another installation', async () => {
    const other = `other-${suffix()}`;
    await kit.clients.core.createNamespace({
      body: {
        metadata: {
          name: other,
          labels: { 'app.kubernetes.io/managed-by': 'cyclone', 'cyclone.dev/instance': 'someone-else' },
        },
      },
    });
    try {
      const row = await kit.db.tenant.findUniqueOrThrow({ where: { name: tenant } });
      await kit.db.tenant.delete({ where: { id: row.id } });
      await kit.reconciler.reconcileAll();
      const namespace = await kit.clients.core.readNamespace({ name: ns }).catch(() => undefined);
      expect(namespace === undefined || namespace.status?.phase === 'Terminating').toBe(true);
      expect((await kit.clients.core.readNamespace({ name: other })).status?.phase).toBe('Active');
      expect(await kit.db.syncState.count({ where: { tenantId: row.id } })).toBe(0);
    } finally {
      await kit.clients.core.deleteNamespace({ name: other });
    }
  });
});
