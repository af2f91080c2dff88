import { readFileSync } from 'node:fs';
import { CYCLONE_GROUP, CYCLONE_VERSION, type KubeClients, loadKubeConfig, makeClients } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STAGE_SERVICE_ACCOUNT } from '../../../kube-sync/tenant-objects.js';
import { RUN_WORKFLOW, type RunView } from '../../../testing/run-helpers.js';
import { sh } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, KWOK_RUN_DURATION, startExecutorKit } from './kube-executor.fixture.js';

/**
 * Runs bound to a worker cluster: the second test control plane, registered as a
 * KUBERNETES integration of the tenant. The stage pod is created in the worker's
 * tenant namespace with the integration's kubeconfig and ended there by kwok; the
 * WorkflowRun resource stays in the control cluster.
 */
describe('runs in a worker cluster', () => {
  let kit: ExecutorKit;
  let worker: KubeClients;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;

  beforeAll(async () => {
    kit = await startExecutorKit();
    const path = inject('workerKubeconfigPath');
    worker = makeClients(loadKubeConfig({ kubeconfigPath: path }));
    // What cluster registration prepares in the worker, reduced to what pods need.
    await worker.core.createNamespace({ body: { metadata: { name: kit.namespace } } });
    await worker.core.createNamespacedServiceAccount({
      namespace: kit.namespace,
      body: { metadata: { name: STAGE_SERVICE_ACCOUNT } },
    });
    await kit.h.must('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
      input: {
        tenant: kit.tenant,
        name: 'edge',
        type: 'KUBERNETES',
        config: { server: 'https://edge.example.com:6443' },
        secret: { kubeconfig: readFileSync(path, 'utf8') },
      },
    });
    controller = await kit.startController({ podGcDelayMs: 60_000 });
  });

  afterAll(async () => {
    await controller?.stop();
    await worker?.core.deleteNamespace({ name: kit.namespace }).catch(() => undefined);
    await kit?.stop();
  });

  const run = (workflow: string, executionCluster?: string) =>
    kit.api.graphql<{ runWorkflow: RunView }>(
      RUN_WORKFLOW,
      { input: { tenant: kit.tenant, project: 'web', workflow, executionCluster } },
      kit.admin,
    );

  it('runs the stage pod in the chosen worker cluster and succeeds', async () => {
    await kit.h.createWorkflow('edge', [sh('build', 'make', { env: [{ name: KWOK_RUN_DURATION, value: '1s' }] })]);
    const started = await run('edge', 'edge');
    expect(started.errors).toBeUndefined();
    expect(started.data?.runWorkflow.executionCluster).toBe('edge');
    const runId = started.data?.runWorkflow.id as string;
    const pod = await waitFor(
      () => worker.core.readNamespacedPod({ name: 'edge-1-build-1', namespace: kit.namespace }).catch(() => undefined),
      { until: (found) => found !== undefined, what: 'pod edge-1-build-1 on the worker cluster', timeoutMs: 30_000 },
    );
    // No owner across clusters; labelled like any stage pod.
    expect(pod?.metadata?.ownerReferences).toBeUndefined();
    expect(pod?.metadata?.labels?.['cyclone.dev/run']).toBe('edge-1');
    const ended = await kit.h.waitEnd(runId, 60_000);
    expect(ended.phase).toBe('SUCCEEDED');
    const row = await kit.db.stageRun.findFirstOrThrow({ where: { runId, stage: 'build' } });
    expect(row.handle).toMatch(/^k8s:[a-z0-9-]+\/edge-1-build-1@[0-9a-f-]{36}$/);
    // Nothing of the run's pods in the control cluster; its WorkflowRun resource is there.
    const local = await kit.clients.core.listNamespacedPod({
      namespace: kit.namespace,
      labelSelector: 'cyclone.dev/run=edge-1',
    });
    expect(local.items).toEqual([]);
    const cr = await waitFor(
      () =>
        kit.clients.customObjects.getNamespacedCustomObject({
          group: CYCLONE_GROUP,
          version: CYCLONE_VERSION,
          namespace: kit.namespace,
          plural: 'workflowruns',
          name: 'edge-1',
        }) as Promise<{ status?: { phase?: string } }>,
      { until: (o) => o.status?.phase === 'Succeeded', what: 'run edge-1 to succeed', timeoutMs: 30_000 },
    );
    expect(cr.status?.phase).toBe('Succeeded');
  });

  it('refuses a cluster the tenant has not registered, naming the field', async () => {
    await kit.h.createWorkflow('nowhere', [sh('build', 'make')]);
    const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';
    const apply = (cluster: string) =>
      kit.api.graphql(
        APPLY,
        {
          input: {
            tenant: kit.tenant,
            project: 'web',
            yaml: `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: doc-${cluster}}\nspec: {workflowRef: {name: nowhere}, executionContext: {cluster: ${cluster}}}`,
          },
        },
        kit.admin,
      );
    expect((await apply('mars')).errors?.[0]?.message).toBe(
      'documents[0].spec.executionContext.cluster: no KUBERNETES integration "mars" in this tenant',
    );
    expect((await apply('edge')).errors).toBeUndefined();
    const applied = await kit.db.workflowRun.findFirstOrThrow({ where: { name: 'doc-edge' } });
    expect(applied.executionCluster).toBe('edge');
    expect((await kit.h.waitEnd(applied.id, 60_000)).phase).toBe('SUCCEEDED');
    const refused = await run('nowhere', 'mars');
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toBe(
      'input.executionCluster: no KUBERNETES integration "mars" in this tenant',
    );
    // Without a choice the run stays in the control cluster.
    const local = await run('nowhere');
    expect(local.data?.runWorkflow.executionCluster).toBeNull();
  });

  it("takes the workflow's cluster unless the run names its own", async () => {
    const UPDATE = `mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { executionCluster } }`;
    const update = (executionCluster: string) =>
      kit.api.graphql<{ updateWorkflow: { executionCluster: string | null } }>(
        UPDATE,
        {
          input: {
            tenant: kit.tenant,
            project: 'web',
            name: 'nowhere',
            stages: [sh('build', 'make')],
            executionCluster,
          },
        },
        kit.admin,
      );
    const refused = await update('mars');
    expect(refused.errors?.[0]?.message).toBe(
      'input.executionCluster: no KUBERNETES integration "mars" in this tenant',
    );
    expect((await update('edge')).data?.updateWorkflow.executionCluster).toBe('edge');
    // Exported as Cyclone names it, and taken back from a Workflow document.
    const exported = await kit.api.graphql<{ workflow: { yaml: string } }>(
      'query($t: String!) { workflow(tenant: $t, project: "web", name: "nowhere") { yaml } }',
      { t: kit.tenant },
      kit.admin,
    );
    expect(exported.data?.workflow.yaml).toContain('executionContext:\n    cluster: edge');
    const reapplied = await kit.api.graphql(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }',
      {
        input: {
          tenant: kit.tenant,
          project: 'web',
          yaml: (exported.data?.workflow.yaml ?? '').replace('cluster: edge', 'cluster: mars'),
        },
      },
      kit.admin,
    );
    expect(reapplied.errors?.[0]?.message).toMatch(
      /^documents\[\d+\]\.spec\.executionContext\.cluster: no KUBERNETES integration "mars" in this tenant$/,
    );
    const started = await run('nowhere');
    expect(started.data?.runWorkflow.executionCluster).toBe('edge');
    const ended = await kit.h.waitEnd(started.data?.runWorkflow.id as string, 60_000);
    expect(ended.phase).toBe('SUCCEEDED');
  });

  it("preflight says the workflow's worker cluster answers", async () => {
    await kit.h.createWorkflow('checked', [sh('build', 'make')]);
    const UPDATE = `mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { executionCluster } }`;
    await kit.h.must(UPDATE, {
      input: {
        tenant: kit.tenant,
        project: 'web',
        name: 'checked',
        stages: [sh('build', 'make')],
        executionCluster: 'edge',
      },
    });
    const checks = await kit.h.must<{
      preflightWorkflow: { stage: string | null; check: string; ok: boolean; message: string }[];
    }>(
      'query($t: String!) { preflightWorkflow(tenant: $t, project: "web", workflow: "checked") { stage check ok message } }',
      { t: kit.tenant },
    );
    const cluster = checks.preflightWorkflow.filter((check) => check.check === 'CLUSTER');
    expect(cluster).toHaveLength(1);
    expect(cluster[0]).toMatchObject({ stage: null, ok: true });
    expect(cluster[0]?.message).toMatch(/^cluster "edge": .* answered \/version: v1\.\d+\.\d+/);
  });
});
