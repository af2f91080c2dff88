// Rolling restarts on the real control plane and node: API servers and controllers
// are real child processes (src/main.ts) on one database, stopped with SIGTERM one after
// another while stage pods print numbered lines; nothing is lost.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installCrds, loadKubeConfig, makeClients } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_IMAGE } from '../../../../scripts/testenv/base-image.mjs';
import { REAL_NODE_LABELS } from '../../../../scripts/testenv/real-node.mjs';
import { REGISTRY_STAGE_HELPER_IMAGE } from '../../../../scripts/testenv/test-images.mjs';
import { RECONCILE_WAIT } from '../testing/kube-sync-kit.js';
import { createWorkflow, isEnded, logLines, must, readRun, runWorkflow } from '../testing/run-helpers.js';
import { type SpawnedApi, spawnApi } from '../testing/spawn-api.js';
import { startTcpBalancer, type TcpBalancer } from '../testing/tcp-balancer.js';
import { graphqlAt, TEST_ADMIN } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { waitFor } from '../testing/wait.js';

const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

/**
 * A stage printing `<prefix> <n>` about every 200 ms until the test's gate opens, then
 * `<prefix> end <n>`: it outlasts every restart however slowly the processes start, and its
 * last line says how many came before it.
 */
const counting = (prefix: string, gate: { host: string; port: number }) => ({
  name: 'count',
  image: BASE_IMAGE,
  command: ['bash', '-c'],
  // bash's /dev/tcp: the base image has no HTTP client.
  args: [
    `n=0; while :; do n=$((n + 1)); echo "$PREFIX $n"
    if exec 3<>"/dev/tcp/$GATE_HOST/$GATE_PORT"; then
      printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; answer=$(cat <&3); exec 3<&-
      case "$answer" in *open) echo "$PREFIX end $n"; exit 0 ;; esac
    fi
    sleep 0.2; done`,
  ],
  env: [
    { name: 'PREFIX', value: prefix },
    { name: 'GATE_HOST', value: gate.host },
    { name: 'GATE_PORT', value: String(gate.port) },
  ],
});

/** What the counting stages ask before each next line: `closed` until the test opens it. */
async function startGate(host: string) {
  let state = 'closed';
  const server = createServer((_req, res) => res.end(state));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    host,
    port: (server.address() as AddressInfo).port,
    open: () => {
      state = 'open';
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token } }';

const LEASE = { group: 'coordination.k8s.io', version: 'v1', namespace: 'default', plural: 'leases' } as const;

describe('rolling restarts of the API and the controllers', () => {
  const nodeIp = inject('nodeIp');
  const kubeconfigPath = inject('kubeconfigPath');
  const clients = makeClients(loadKubeConfig({ kubeconfigPath }));
  const instance = `roll${randomBytes(3).toString('hex')}`;
  const tenant = `r${randomBytes(3).toString('hex')}`;
  const key = randomBytes(32).toString('base64');
  const processes = new Set<SpawnedApi>();
  /** Every process started, gone or not, with its role: their logs explain a failure. */
  const started: [string, SpawnedApi][] = [];
  let database: TestDatabase;
  let front: TcpBalancer;
  let gate: Awaited<ReturnType<typeof startGate>>;
  let token: string;
  const api = () => ({ graphql: graphqlAt(front.url) });

  const env = () => ({
    DATABASE_URL: database.url,
    CYCLONE_ENCRYPTION_KEY: key,
    CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
    CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    CYCLONE_QUERY_CACHE_MAX_AGE: '0',
  });
  const spawn = async (extra: Record<string, string>) => {
    const child = await spawnApi({ ...env(), ...extra });
    processes.add(child);
    started.push([extra.CYCLONE_POD_NAME ?? extra.CYCLONE_ROLE ?? '', child]);
    return child;
  };
  const server = () => spawn({ CYCLONE_ROLE: 'server' });
  const controller = (name: string) =>
    spawn({
      CYCLONE_ROLE: 'controller',
      CYCLONE_EXECUTOR: 'kubernetes',
      CYCLONE_KUBECONFIG: kubeconfigPath,
      CYCLONE_INSTANCE: instance,
      CYCLONE_NAMESPACE: 'default',
      CYCLONE_POD_NAME: name,
      CYCLONE_RESYNC_INTERVAL: '1s',
      CYCLONE_STAGE_API_URL: front.url,
      CYCLONE_STAGE_HELPER_IMAGE: REGISTRY_STAGE_HELPER_IMAGE,
      CYCLONE_STAGE_POD_DEFAULTS: JSON.stringify({ nodeSelector: REAL_NODE_LABELS }),
      CYCLONE_POD_GC_DELAY: '10m',
    });
  /** SIGTERM, as a rolling update sends it; the process must finish its shutdown in its grace. */
  const terminate = async (child: SpawnedApi) => {
    await child.stop();
    processes.delete(child);
    expect(child.child.exitCode, child.output().slice(-4000)).toBe(0);
  };
  const leaseHolder = async () => {
    const lease = (await clients.customObjects
      .getNamespacedCustomObject({ ...LEASE, name: `cyclone-controller-${instance}` })
      .catch(() => undefined)) as { spec?: { holderIdentity?: string } } | undefined;
    return lease?.spec?.holderIdentity ?? '';
  };
  const storedLines = (id: string) => logLines(api(), token, id, 'count');
  /** What the tenant's pods and events say, for a failure's message. */
  /** The run, the tenant's pods and events and what the processes logged, for a failure's message. */
  const report = async (id: string) => {
    const namespace = `cyclone-${tenant}`;
    const answer = (what: Promise<unknown>) => what.catch((error: Error) => `unknown: ${error.message}`);
    return JSON.stringify({
      run: await answer(readRun(api(), token, id)),
      pods: await answer(
        clients.core
          .listNamespacedPod({ namespace })
          .then((pods) => pods.items.map((p) => [p.metadata?.name, p.status?.phase, p.status?.reason])),
      ),
      events: await answer(
        clients.core
          .listNamespacedEvent({ namespace })
          .then((events) => events.items.map((e) => [e.involvedObject.name, e.reason, e.message])),
      ),
      logs: started.map(([name, child]) => [name, child.url, child.output().slice(-3000)]),
    });
  };

  beforeAll(async () => {
    await installCrds(clients);
    database = await createTestDatabase();
    front = await startTcpBalancer(nodeIp);
    gate = await startGate(nodeIp);
  });

  afterAll(async () => {
    for (const child of processes) await child.crash();
    await front?.stop();
    await gate?.stop();
    await clients.core.deleteNamespace({ name: `cyclone-${tenant}` }).catch(() => undefined);
    await database?.drop();
  });

  it('ends every run Succeeded with each numbered line stored once and in order', { timeout: 480_000 }, async () => {
    let servers: SpawnedApi[] = await Promise.all([server(), server()]);
    front.setBackends(servers.map((s) => s.url));
    const controllers = new Map<string, SpawnedApi>();
    for (const name of ['c1', 'c2']) controllers.set(name, await controller(name));

    token = (await must<{ login: { token: string } }>(api(), undefined, LOGIN, { i: TEST_ADMIN })).login.token;
    const gql = (query: string, i: Record<string, unknown>) => must(api(), token, query, { i });
    await gql('mutation($i: CreateTenantInput!) { createTenant(input: $i) { name } }', { name: tenant });
    // The workload runs as root, as most CI images do.
    await gql('mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { name } }', {
      name: tenant,
      quota: { podSecurity: 'BASELINE' },
    });
    await gql('mutation($i: CreateProjectInput!) { createProject(input: $i) { name } }', { tenant, name: 'web' });
    for (const name of ['first', 'second', 'third', 'fourth']) {
      await createWorkflow(api(), token, { tenant, project: 'web', name, stages: [counting(name, gate)] });
    }
    // The leader mirrored the tenant into the cluster (namespace at BASELINE, stage ServiceAccount).
    await waitFor(
      async () => {
        const namespace = await clients.core.readNamespace({ name: `cyclone-${tenant}` }).catch(() => undefined);
        return namespace?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'baseline';
      },
      { what: 'the tenant namespace', ...RECONCILE_WAIT },
    );
    const start = async (workflow: string) =>
      (await runWorkflow(api(), token, { tenant, project: 'web', workflow, parameters: [] })).id;
    const printed = async (id: string, count: number) => {
      await waitFor(async () => (await storedLines(id)).length >= count, {
        what: `${count} stored lines of run ${id}`,
        timeoutMs: 120_000,
        intervalMs: 250,
      }).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await report(id)}`);
      });
    };

    const first = await start('first');
    await printed(first, 5);

    // The leading controller goes, a run started just before; another takes the Lease
    // over at once (released, not left to expire), then a new controller joins.
    const leader = await waitFor(leaseHolder, { what: 'a leader', ...RECONCILE_WAIT });
    const second = await start('second');
    await terminate(controllers.get(leader) as SpawnedApi);
    controllers.delete(leader);
    // Released on the way out: not left to expire.
    expect(await leaseHolder()).not.toBe(leader);
    const [other] = [...controllers.keys()] as [string];
    expect(await waitFor(async () => (await leaseHolder()) === other && other, { what: 'the next leader' })).toBe(
      other,
    );
    controllers.set('c3', await controller('c3'));
    await printed(second, 5);

    // The API servers, one after the other as a rolling update does: the new replica
    // first, then SIGTERM to an old one while the Service still lists it (endpoints follow
    // later), so new connections meet a closing server until it is gone.
    let third = '';
    for (let i = 0; i < 2; i++) {
      const old = servers[0] as SpawnedApi;
      servers = [...servers, await server()];
      front.setBackends(servers.map((s) => s.url));
      if (i === 1) third = await start('third');
      await terminate(old);
      servers = servers.slice(1);
      front.setBackends(servers.map((s) => s.url));
    }
    // The other original controller (leading since the first went) too, a run started
    // just before: the new one alone starts it and sees the runs to their end.
    await printed(third, 5);
    const fourth = await start('fourth');
    await terminate(controllers.get(other) as SpawnedApi);
    controllers.delete(other);
    expect(await leaseHolder()).not.toBe(other);

    // Lines printed after every restart are stored too; then the stages may end.
    const runs = { first, second, third, fourth };
    for (const id of Object.values(runs)) await printed(id, (await storedLines(id)).length + 3);
    gate.open();
    for (const [name, id] of Object.entries(runs)) {
      const run = await waitFor(
        async () => {
          const read = await readRun(api(), token, id);
          return isEnded(read) && read;
        },
        { what: `the end of run ${name}`, timeoutMs: 120_000, intervalMs: 500 },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await report(id)}`);
      });
      expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
      // Read back through the replaced API servers: every line once, in order, none missing at the end.
      const lines = await storedLines(id);
      const count = lines.length - 1;
      expect(count).toBeGreaterThanOrEqual(name === 'fourth' ? 3 : 8);
      expect(lines).toEqual([...numbered(name, count), `${name} end ${count}`]);
    }
    expect(await leaseHolder()).toBe('c3');
  });
});
