// GitOps intake against a real kube-apiserver and Postgres: Cyclone resources changed
// with another field manager are applied as the service user, or refused with the
// field at fault and put back; a WorkflowRun created in the cluster starts a run.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestsService } from '../../modules/manifests/manifests.service.js';
import { ResourceService } from '../../modules/resources/resources.service.js';
import { StageService } from '../../modules/stages/stages.service.js';
import { TriggersService } from '../../modules/triggers/triggers.service.js';
import { WorkflowsService } from '../../modules/workflows/workflows.service.js';
import { type KubeSyncKit, readObject, startKubeSyncKit, suffix } from '../../testing/kube-sync-kit.js';
import { createUserAndLogin } from '../../testing/users.js';
import { waitFor } from '../../testing/wait.js';
import type { KubeReconciler } from '../kube-reconciler.js';
import { GitopsIntake } from './gitops-intake.js';
import { GITOPS_FINALIZER } from './intake-deletes.js';
import type { Condition } from './intake-rules.js';

const PIPELINE = `
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
`;

const SERVICE_USER = 'gitops@corp.test';

type Cr = {
  metadata: { generation?: number; labels?: Record<string, string>; resourceVersion?: string };
  spec: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[]; runId?: string; runNumber?: number };
};

describe('GitOps intake', () => {
  let kit: KubeSyncKit;
  let tenant: string;
  let ns: string;
  let reconciler: KubeReconciler;

  const reconcilerWith = (gitopsUser: string | undefined, clients = kit.clients) => {
    const logger = pino({ level: 'silent' });
    const { db, box } = kit;
    return kit.newReconciler({
      intake: new GitopsIntake({
        db,
        logger,
        clients,
        instance: kit.instance,
        manifests: new ManifestsService({ db, logger, box }),
        deleters: {
          resources: new ResourceService({ db, logger, box }),
          stages: new StageService({ db, logger }),
          workflows: new WorkflowsService({ db, logger }),
          triggers: new TriggersService({ db, logger }),
        },
        gitopsUser,
      }),
    });
  };
  const ref = (plural: string, name: string) => ({
    group: 'cyclone.dev',
    version: 'v1alpha1',
    namespace: ns,
    plural,
    name,
  });
  const read = async (plural: string, name: string) =>
    (await kit.clients.customObjects.getNamespacedCustomObject(ref(plural, name))) as Cr;
  /** Git Resource `web.<name>` created in the cluster by `fieldManager`. */
  const createGitResource = (name: string, fieldManager: string) =>
    kit.clients.customObjects.createNamespacedCustomObject({
      group: 'cyclone.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'resources',
      fieldManager,
      body: {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'Resource',
        metadata: { name: `web.${name}` },
        spec: { type: 'Git', parameters: [{ name: 'SCM_URL', value: `https://git.example.com/${name}.git` }] },
      },
    });
  /** An edit as `kubectl edit` makes it: a replace under another field manager. */
  const editSpec = async (plural: string, name: string, change: (spec: Record<string, unknown>) => void) => {
    const live = await read(plural, name);
    change(live.spec);
    // As kubectl sends it: the server keeps the field owners and adds this manager.
    delete (live.metadata as { managedFields?: unknown }).managedFields;
    await kit.clients.customObjects.replaceNamespacedCustomObject({
      ...ref(plural, name),
      body: live,
      fieldManager: 'kubectl-edit',
    });
    return (await read(plural, name)).metadata.generation;
  };
  const workflowRow = () =>
    kit.db.workflow.findFirstOrThrow({ where: { name: 'ci', project: { name: 'web', tenant: { name: tenant } } } });
  const accepted = (cr: Cr) => cr.status?.conditions?.find((c) => c.type === 'Accepted');

  beforeAll(async () => {
    kit = await startKubeSyncKit();
    tenant = `gitops-${suffix()}`;
    ns = `cyclone-${tenant}`;
    await kit.seedPipeline(tenant, PIPELINE);
    await createUserAndLogin(kit.api, kit.token, SERVICE_USER);
    await kit.gql('mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }', {
      input: { tenant, email: SERVICE_USER, role: 'DEVELOPER' },
    });
    reconciler = reconcilerWith(SERVICE_USER);
    await reconciler.reconcileAll();
  });

  afterAll(async () => {
    await kit?.clients.core.deleteNamespace({ name: ns }).catch(() => {});
    await kit?.stop();
  });

  it('takes a Workflow changed by another field manager as a new version, audited as the service user', async () => {
    expect((await workflowRow()).currentVersion).toBe(1);
    const generation = await editSpec('workflows', 'web.ci', (spec) => {
      spec.globalVariables = [{ name: 'MODE', value: 'thorough' }];
    });

    await reconciler.reconcileAll();

    const row = await workflowRow();
    expect(row.currentVersion).toBe(2);
    const version = await kit.db.workflowVersion.findUniqueOrThrow({
      where: { workflowId_version: { workflowId: row.id, version: 2 } },
    });
    expect((version.spec as { globalVariables: unknown }).globalVariables).toEqual([
      { name: 'MODE', value: 'thorough' },
    ]);
    // The workflow keeps its own stages.
    expect((version.spec as { stages: { name: string }[] }).stages.map((s) => s.name)).toEqual(['test', 'package']);
    const cr = await read('workflows', 'web.ci');
    expect(cr.status?.observedGeneration).toBe(generation);
    expect(accepted(cr)).toMatchObject({ status: 'True', reason: 'Applied', observedGeneration: generation });
    expect(cr.spec.globalVariables).toEqual([{ name: 'MODE', value: 'thorough' }]);
    const audit = await kit.db.auditEvent.findFirst({
      where: { action: 'gitops.apply', objectName: `${ns}/web.ci` },
      orderBy: { id: 'desc' },
    });
    expect(audit).toMatchObject({ actorEmail: SERVICE_USER, outcome: 'SUCCESS', objectType: 'Workflow' });

    // Taken once: nothing flaps on the next passes.
    const before = await read('workflows', 'web.ci');
    await reconciler.reconcileAll();
    await reconciler.reconcileAll();
    expect((await workflowRow()).currentVersion).toBe(2);
    expect((await read('workflows', 'web.ci')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('refuses a bad change with the field at fault and puts Cyclone’s version back', async () => {
    const generation = await editSpec('workflows', 'web.ci', (spec) => {
      (spec.stages as unknown[]).push({ name: 'nope' });
    });

    await reconciler.reconcileAll();

    expect((await workflowRow()).currentVersion).toBe(2);
    const cr = await read('workflows', 'web.ci');
    expect(accepted(cr)).toMatchObject({ status: 'False', reason: 'Invalid', observedGeneration: generation });
    expect(accepted(cr)?.message).toMatch(/^spec\.stages\[2\]\.name: no Stage "nope"/);
    expect(cr.spec.stages).toEqual([{ name: 'test' }, { name: 'package', depends: ['test'] }]);
    // The revert is Cyclone's own write: not taken, and the verdict stays.
    await reconciler.reconcileAll();
    expect(accepted(await read('workflows', 'web.ci'))).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect((await workflowRow()).currentVersion).toBe(2);
  });

  it('takes a workflow’s own Stage changed in the cluster into its Workflow', async () => {
    await editSpec('stages', 'web.ci.package', (spec) => {
      const pod = spec.pod as { spec: { containers: { command: string[] }[] } };
      (pod.spec.containers[0] as { command: string[] }).command = ['sh', '-c', 'make dist'];
    });

    await reconciler.reconcileAll();

    const row = await workflowRow();
    expect(row.currentVersion).toBe(3);
    expect(accepted(await read('stages', 'web.ci.package'))).toMatchObject({ status: 'True' });
    // Not a project stage: the project's own `package` is unchanged.
    const stage = await kit.db.stage.findFirstOrThrow({ where: { name: 'package', projectId: row.projectId } });
    expect(JSON.stringify(stage.spec)).toContain('make package');
  });

  it('takes a Resource created in the cluster, which the mirror then adopts', async () => {
    await createGitResource('docs', 'argocd-controller');

    await reconciler.reconcileAll();

    const row = await kit.db.resource.findFirstOrThrow({
      where: { name: 'docs', project: { name: 'web', tenant: { name: tenant } } },
    });
    const cr = await read('resources', 'web.docs');
    expect(accepted(cr)).toMatchObject({ status: 'True', reason: 'Applied' });
    expect(cr.metadata.labels).toMatchObject({ 'cyclone.dev/id': row.id, 'cyclone.dev/project': 'web' });
    // Made in the cluster: remembered, so that deleting it there deletes it in Cyclone.
    expect(row.createdInKubernetes).toBe(true);
    expect((cr.metadata as { finalizers?: string[] }).finalizers).toEqual([GITOPS_FINALIZER]);
  });

  it('deletes in Cyclone what was created in the cluster when its resource is deleted, and recreates the rest', async () => {
    await kit.clients.customObjects.deleteNamespacedCustomObject(ref('resources', 'web.docs'));
    await kit.clients.customObjects.deleteNamespacedCustomObject(ref('stages', 'web.test'));

    await reconciler.reconcileAll();
    await reconciler.reconcileAll();

    const project = { name: 'web', tenant: { name: tenant } };
    expect(await kit.db.resource.findFirst({ where: { name: 'docs', project } })).toBeNull();
    expect(await readObject(kit.clients, 'Resource', 'web.docs', ns)).toBeUndefined();
    const audit = await kit.db.auditEvent.findFirst({
      where: { action: 'resource.delete', objectName: 'web/docs' },
      orderBy: { id: 'desc' },
    });
    expect(audit).toMatchObject({ actorEmail: SERVICE_USER, outcome: 'SUCCESS' });
    // Created in Cyclone: put back by the mirror, and kept.
    expect(await kit.db.stage.findFirst({ where: { name: 'test', project } })).not.toBeNull();
    expect(await readObject(kit.clients, 'Stage', 'web.test', ns)).toBeDefined();
  });

  it('starts a run for a WorkflowRun created in the cluster, once, and records it in its status', async () => {
    await kit.clients.customObjects.createNamespacedCustomObject({
      group: 'cyclone.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'workflowruns',
      fieldManager: 'kubectl-create',
      body: {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'WorkflowRun',
        metadata: { name: 'release-candidate' },
        spec: { workflowRef: { name: 'web.ci' }, globalVariables: [{ name: 'MODE', value: 'rc' }] },
      },
    });

    await reconciler.reconcileAll();
    await reconciler.reconcileAll();

    const runs = await kit.db.workflowRun.findMany({ where: { workflow: { id: (await workflowRow()).id } } });
    expect(runs).toHaveLength(1);
    const run = runs[0] as (typeof runs)[number];
    expect(run).toMatchObject({ name: 'release-candidate', kubeObjectName: 'release-candidate' });
    expect(run.parameters).toEqual([{ name: 'variables.MODE', value: 'rc' }]);
    const user = await kit.db.user.findUniqueOrThrow({ where: { email: SERVICE_USER } });
    expect(run.createdById).toBe(user.id);
    const cr = await read('workflowruns', 'release-candidate');
    expect(cr.status).toMatchObject({ runId: run.id, runNumber: run.number, observedGeneration: 1 });
    expect(accepted(cr)).toMatchObject({ status: 'True', reason: 'Applied' });
  });

  it('deletes nothing in Cyclone when the garbage collector removes a resource with its deleted owner', async () => {
    await createGitResource('notes', 'kubectl-create');
    await reconciler.reconcileAll();
    const before = (await read('resources', 'web.notes')) as Cr & { metadata: { uid?: string; finalizers?: string[] } };
    expect(before.metadata.finalizers).toEqual([GITOPS_FINALIZER]);

    // The Project resource deleted by hand: the mirror recreates it, the collector removes its old dependents.
    await kit.clients.customObjects.deleteNamespacedCustomObject({
      ...ref('projects', 'web'),
      propagationPolicy: 'Foreground',
    });
    const project = { name: 'web', tenant: { name: tenant } };
    // The collector's pace is the control plane's: on a saturated machine it takes a while.
    await waitFor(
      async () => {
        await reconciler.reconcileAll();
        const now = await readObject(kit.clients, 'Resource', 'web.notes', ns);
        const row = await kit.db.resource.findFirst({ where: { name: 'notes', project } });
        const sync = await kit.db.syncState.findMany({ where: { lastError: { not: null } } });
        return {
          isRecreated: now?.metadata?.uid !== undefined && now.metadata.uid !== before.metadata.uid,
          isDeleting: Boolean(now?.metadata?.deletionTimestamp),
          isInCyclone: row !== null,
          syncErrors: sync.map((state) => state.lastError),
        };
      },
      {
        until: (seen) => seen.isRecreated && !seen.isDeleting,
        what: 'web.notes recreated',
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    expect(await kit.db.resource.findFirst({ where: { name: 'notes', project } })).not.toBeNull();
  }, 200_000);

  it('deletes nothing in Cyclone when the owner goes while a pass is listing', async () => {
    await createGitResource('wiki', 'kubectl-create');
    await reconciler.reconcileAll();
    expect((await read('resources', 'web.wiki')).metadata).toMatchObject({ finalizers: [GITOPS_FINALIZER] });

    // The pass's first list of Resources comes just after the Project was deleted and
    // the collector marked the Resource: the order a busy control plane can give.
    const objects = kit.clients.objects;
    let isRaced = false;
    const racing = new Proxy(objects, {
      get(target, property, receiver) {
        if (property !== 'list') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof objects.list>) => {
          if (!isRaced && args[1] === 'Resource' && args[2] === ns) {
            isRaced = true;
            await kit.clients.customObjects.deleteNamespacedCustomObject({
              ...ref('projects', 'web'),
              propagationPolicy: 'Foreground',
            });
            await waitFor(() => readObject(kit.clients, 'Resource', 'web.wiki', ns), {
              until: (resource) => Boolean(resource?.metadata?.deletionTimestamp),
              what: 'web.wiki marked for deletion by the collector',
              timeoutMs: 120_000,
              intervalMs: 200,
            });
          }
          return objects.list(...args);
        };
      },
    });
    await reconcilerWith(SERVICE_USER, { ...kit.clients, objects: racing }).reconcileAll();
    expect(isRaced).toBe(true);

    const project = { name: 'web', tenant: { name: tenant } };
    expect(await kit.db.resource.findFirst({ where: { name: 'wiki', project } })).not.toBeNull();
    // Released to the collector, and put back by the mirror once gone.
    await waitFor(
      async () => {
        await reconciler.reconcileAll();
        return readObject(kit.clients, 'Resource', 'web.wiki', ns);
      },
      {
        until: (resource) => resource !== undefined && !resource.metadata?.deletionTimestamp,
        what: 'web.wiki back',
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    expect(await kit.db.resource.findFirst({ where: { name: 'wiki', project } })).not.toBeNull();
  }, 300_000);

  it('says so, and keeps Cyclone’s version, when no service user is configured', async () => {
    const off = reconcilerWith(undefined);
    const generation = await editSpec('workflows', 'web.ci', (spec) => {
      spec.globalVariables = [{ name: 'MODE', value: 'off' }];
    });

    await off.reconcileAll();

    const cr = await read('workflows', 'web.ci');
    expect(accepted(cr)).toMatchObject({ status: 'False', reason: 'IntakeDisabled', observedGeneration: generation });
    expect(cr.spec.globalVariables).toEqual([{ name: 'MODE', value: 'thorough' }]);
    expect(await readObject(kit.clients, 'Workflow', 'web.ci', ns)).toBeDefined();
  });
});
