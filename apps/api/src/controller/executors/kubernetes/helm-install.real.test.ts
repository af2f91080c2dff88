import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apiStatusOf, type KubeClients, loadKubeConfig, makeClients } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_IMAGE_TAG, pushedAppImages } from '../../../../../../scripts/testenv/app-images.mjs';
import { BASE_IMAGE } from '../../../../../../scripts/testenv/base-image.mjs';
import { NODE_REGISTRY } from '../../../../../../scripts/testenv/node-registry.mjs';
import { tenantNamespace } from '../../../kube-sync/tenant-objects.js';
import { createWorkflow, logLines, must, runWorkflow, stageOf, waitForRun } from '../../../testing/run-helpers.js';
import { graphqlAt } from '../../../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-database.js';
import { waitFor } from '../../../testing/wait.js';

/**
 * Cyclone installed the way README "Install on Kubernetes" says, with its Helm chart,
 * onto the real node: the api, web and stage-helper images built from their production
 * Dockerfiles (scripts/testenv/app-images.mjs) and pushed to the node's registry, which
 * the kubelet pulls them from (image.repository names it), an external Postgres (the tests' own,
 * reached at the node address), Service routing by kube-proxy and names by CoreDNS.
 * The test signs in through the web Service (which proxies to the API Service), runs a
 * workflow on the deployed controller's Kubernetes executor, and uninstalls.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../..');
const CHART = resolve(REPO, 'charts/cyclone');
const RELEASE = 'cyclone';
const NAMESPACE = 'cyclone';
const ADMIN = { email: 'admin@cyclone.local', password: randomBytes(12).toString('base64url') };
const TENANT = 'deploy';
const POD_SECURITY = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { quota { podSecurity } } }';
const CREATE_TENANT = 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }';
const CREATE_PROJECT = 'mutation($input: CreateProjectInput!) { createProject(input: $input) { id name } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';

const run = promisify(execFile);

/**
 * Helm, run without blocking this process: its Postgres forward (forwardToNodeAddress) must
 * keep moving bytes while `helm install --wait` waits for the pods that connect through it.
 */
async function helm(args: string[]): Promise<string> {
  const binary = (await run('bash', [resolve(REPO, 'scripts/testenv/build-go-tool.sh'), 'helm'])).stdout
    .trim()
    .split('\n')
    .at(-1) as string;
  try {
    const { stdout } = await run(
      binary,
      [...args, '--kubeconfig', inject('kubeconfigPath'), '--namespace', NAMESPACE],
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: '/tmp/cyclone-helm/cache',
          HELM_CONFIG_HOME: '/tmp/cyclone-helm/config',
          HELM_DATA_HOME: '/tmp/cyclone-helm/data',
        },
      },
    );
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

/** The tests' Postgres listens on loopback; pods reach it through this forward at the node address. */
async function forwardToNodeAddress(target: URL): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((res) => server.listen(0, inject('nodeIp'), res));
  return { server, port: (server.address() as { port: number }).port };
}

/** The last lines of every container of the release's pods: what a failed install says. */
async function podLogs(clients: KubeClients): Promise<string> {
  const pods = await clients.core.listNamespacedPod({ namespace: NAMESPACE });
  const out: string[] = [];
  for (const pod of pods.items) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const name = pod.metadata?.name as string;
      const text = await clients.core
        .readNamespacedPodLog({ name, namespace: NAMESPACE, container: status.name, tailLines: 30 })
        .catch((error: unknown) => `(no log: ${(error as Error).message})`);
      const ended = status.lastState?.terminated;
      const how = ended ? `, last ended ${ended.reason} exit ${ended.exitCode} signal ${ended.signal ?? '-'}` : '';
      out.push(`--- ${name}/${status.name} (restarts ${status.restartCount}${how}):\n${text}`);
    }
  }
  const events = await clients.core.listNamespacedEvent({ namespace: NAMESPACE });
  for (const event of events.items) {
    out.push(`event ${event.involvedObject.name}: ${event.reason} ${event.message ?? ''} (x${event.count ?? 1})`);
  }
  return out.join('\n');
}

/** Waits until the deployed controller has made the tenant namespace its own at this Pod Security level. */
async function tenantNamespaceReady(clients: KubeClients, namespace: string, level: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const labels = await clients.core.readNamespace({ name: namespace }).then(
      (ns) => ns.metadata?.labels ?? {},
      () => ({}) as Record<string, string>,
    );
    const bound = await clients.rbac.readNamespacedRoleBinding({ name: 'cyclone-controller', namespace }).then(
      () => true,
      () => false,
    );
    if (bound && labels['pod-security.kubernetes.io/enforce'] === level) return;
    if (Date.now() > deadline) {
      throw new Error(`namespace ${namespace} not ready: bound ${bound}, labels ${JSON.stringify(labels)}`);
    }
    await new Promise((res) => setTimeout(res, 1_000));
  }
}

describe('Cyclone installed with its Helm chart on the real node', () => {
  let clients: KubeClients;
  let database: TestDatabase;
  let forward: Awaited<ReturnType<typeof forwardToNodeAddress>>;
  let manifest = '';

  beforeAll(async () => {
    pushedAppImages(); // throws unless set-up built and pushed them
    clients = makeClients(loadKubeConfig({ kubeconfigPath: inject('kubeconfigPath') }));
    database = await createTestDatabase({ empty: true });
    forward = await forwardToNodeAddress(new URL(database.url));
    const url = new URL(database.url);
    url.hostname = inject('nodeIp');
    url.port = String(forward.port);
    await clients.core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    // What an operator makes before installing (chart README): the first administrator's password.
    await clients.core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: { metadata: { name: 'deploy-admin' }, stringData: { password: ADMIN.password } },
    });
    const values = {
      'image.repository': NODE_REGISTRY,
      'image.tag': APP_IMAGE_TAG,
      'database.url': url.toString(),
      'admin.existingSecret': 'deploy-admin',
      // One node with a couple of cores: one replica of each, no disruption budgets.
      'api.replicas': 1,
      'api.minAvailable': 0,
      'controller.replicas': 1,
      'controller.minAvailable': 0,
      'web.replicas': 1,
      'web.minAvailable': 0,
    };
    const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    try {
      await helm(['install', RELEASE, CHART, ...sets, '--wait', '--timeout', '8m']);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await podLogs(clients)}`);
    }
    manifest = await helm(['get', 'manifest', RELEASE]);
  }, 600_000);

  afterAll(async () => {
    forward?.server.close();
    await database?.drop();
  });

  it('signs in through the web Service, runs a workflow on stage pods and uninstalls cleanly', async () => {
    const web = await clients.core.readNamespacedService({ name: 'cyclone-web', namespace: NAMESPACE });
    // The web proxies /graphql to http://cyclone-api:4000: cluster DNS and kube-proxy.
    const webUrl = `http://${web.spec?.clusterIP}:${web.spec?.ports?.[0]?.port}`;
    // kube-proxy programs a Service's endpoints a moment after its pods turn ready (until
    // then it refuses connections), as a client of any Service sees it.
    await waitFor(
      () =>
        fetch(webUrl).then(
          () => true,
          () => false,
        ),
      { what: 'the web Service to answer', timeoutMs: 120_000, intervalMs: 500 },
    );
    const api = { graphql: graphqlAt(webUrl) };
    const login = await api.graphql<{ login: { token: string } }>(LOGIN, { input: ADMIN });
    expect(login.errors).toBeUndefined();
    const token = login.data?.login.token as string;

    await must(api, token, CREATE_TENANT, { input: { name: TENANT } });
    await must(api, token, CREATE_PROJECT, { input: { tenant: TENANT, name: 'web' } });
    // The workload runs Debian's image as root: a platform admin's BASELINE.
    await must(api, token, POD_SECURITY, { input: { name: TENANT, quota: { podSecurity: 'BASELINE' } } });
    // The controller's mirror makes the tenant's namespace, binds itself there and labels
    // its Pod Security level on its next pass (CYCLONE_RESYNC_INTERVAL, 30s by default):
    // a run started before that cannot create its objects.
    await tenantNamespaceReady(clients, tenantNamespace(TENANT), 'baseline');
    const script =
      'echo "hello from $(hostname)"; getent hosts cyclone-api.cyclone.svc.cluster.local >/dev/null && echo resolved';
    await createWorkflow(api, token, {
      tenant: TENANT,
      project: 'web',
      name: 'hello',
      stages: [{ name: 'greet', image: BASE_IMAGE, command: ['sh', '-c'], args: [script] }],
    });
    const started = await runWorkflow(api, token, { tenant: TENANT, project: 'web', workflow: 'hello' });
    const run = await waitForRun(api, token, started.id, { timeoutMs: 240_000 });
    expect(run.phase, JSON.stringify(run.stages)).toBe('SUCCEEDED');
    expect(stageOf(run, 'greet')).toMatchObject({ phase: 'SUCCEEDED', exitCode: 0 });
    // The stage helper sent these through the API Service's URL (CYCLONE_STAGE_API_URL).
    expect(await logLines(api, token, run.id, 'greet')).toEqual(['hello from hello-1-greet-1', 'resolved']);

    const pod = await clients.core.readNamespacedPod({ name: 'hello-1-greet-1', namespace: tenantNamespace(TENANT) });
    expect(pod.spec?.nodeName).toBe(inject('realNodeName'));

    // An upgrade to a changed value: the ConfigMap changes, its checksum rolls the
    // controller's pods (helm waits for the new ones), and the API answers again.
    const checksum = async () => {
      const deployment = (await clients.objects.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cyclone-controller', namespace: NAMESPACE },
      })) as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };
      return deployment.spec?.template?.metadata?.annotations?.['checksum/config'];
    };
    const before = await checksum();
    await helm([
      'upgrade',
      RELEASE,
      CHART,
      '--reuse-values',
      '--set',
      'resyncInterval=10s',
      '--wait',
      '--timeout',
      '5m',
    ]);
    const config = await clients.core.readNamespacedConfigMap({ name: 'cyclone-config', namespace: NAMESPACE });
    expect(config.data?.CYCLONE_RESYNC_INTERVAL).toBe('10s');
    expect(await checksum()).not.toBe(before);
    expect((await api.graphql(LOGIN, { input: ADMIN })).errors).toBeUndefined();

    await helm(['uninstall', RELEASE, '--wait', '--timeout', '5m']);
    const objects = manifest
      .split(/^---$/m)
      .map((doc) => ({
        kind: doc.match(/^kind: (\S+)/m)?.[1],
        apiVersion: doc.match(/^apiVersion: (\S+)/m)?.[1],
        name: doc.match(/^metadata:\n(?:\s+.*\n)*?\s+name: (\S+)/m)?.[1],
      }))
      .filter((o) => o.kind && o.apiVersion && o.name);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'ClusterRole']));
    for (const object of objects) {
      const gone = await clients.objects
        .read({
          apiVersion: object.apiVersion as string,
          kind: object.kind as string,
          metadata: { name: object.name as string, namespace: NAMESPACE },
        })
        .then(
          () => false,
          (error: unknown) => apiStatusOf(error) === 404,
        );
      expect(gone, `${object.kind} ${object.name}`).toBe(true);
    }
  }, 600_000);
});
