import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTerminalRunPhase } from '@cyclone/domain/core';
import Docker from 'dockerode';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlainSql, type PlainSql } from '../../../db/plain-sql.js';
import { createPrismaClient, type Db } from '../../../db/prisma.js';
import { FilesystemArtifactStore } from '../../../modules/artifacts/artifact-store.js';
import { startHttpReceiver } from '../../../testing/http-receiver.js';
import { buildResolverImage } from '../../../testing/resolver-image.js';
import { createWorkflow, must, runWorkflow } from '../../../testing/run-helpers.js';
import { type SpawnedApi, spawnApi } from '../../../testing/spawn-api.js';
import { oneStageWorkflowYaml } from '../../../testing/stage-io.js';
import { graphqlAt, TEST_ADMIN } from '../../../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-database.js';
import { waitFor } from '../../../testing/wait.js';
import { RUN_LABEL } from '../stage-paths.js';
import { ContainerExecutor } from './container-executor.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from './container-spec.js';

/**
 * Containers outlive the API: the real API as a child process is killed with
 * SIGKILL while its stages run; a new one takes the containers over, resumes their
 * logs from the last stored line and records their exits.
 */
describe('container executor across an API crash', () => {
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  const image = inject('baseImage');
  const key = randomBytes(32).toString('base64');
  let database: TestDatabase;
  let db: Db;
  let sql: PlainSql;
  let dataDir: string;
  const processes: SpawnedApi[] = [];

  const spawn = async () => {
    const api = await spawnApi({
      DATABASE_URL: database.url,
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_ENCRYPTION_KEY: key,
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'none',
      // Http resources of the tests go to a server on this machine.
      CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32',
    });
    processes.push(api);
    return api;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-container-crash-'));
    db = createPrismaClient(database.url);
    sql = createPlainSql(database.url);
  });

  afterAll(async () => {
    while (processes.length > 0) await processes.pop()?.stop();
    await db?.$disconnect();
    await sql?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 of the API mid-stage: the next API takes the containers over, with no line lost or repeated', async () => {
    const first = await spawn();
    const api = { graphql: graphqlAt(first.url) };
    const login = 'mutation($i: LoginInput!) { login(input: $i) { token } }';
    const token = (await must<{ login: { token: string } }>(api, undefined, login, { i: TEST_ADMIN })).login.token;
    await must(api, token, 'mutation { createTenant(input: {name: "acme"}) { name } }');
    await must(api, token, 'mutation { createProject(input: {tenant: "acme", name: "web"}) { name } }');
    // About 30 s of talk: still talking when the next API is up, however loaded the machine.
    const talk = 'i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "line $i"; echo "err $i" >&2; sleep 0.05; done';
    const gated =
      'echo waiting; while [ ! -e /workspace/go ]; do sleep 0.1; done; echo "answer: 42" >> $CYCLONE_RESULTS; echo leaving; exit 4';
    for (const [name, script] of [
      ['talk', talk],
      ['gated', gated],
    ] as const) {
      await createWorkflow(api, token, {
        tenant: 'acme',
        project: 'web',
        name,
        stages: [{ name: 's', image, command: ['sh', '-c', script] }],
      });
    }
    const start = async (workflow: string) =>
      (await runWorkflow(api, token, { tenant: 'acme', project: 'web', workflow })).id;
    const talking = await start('talk');
    const waiting = await start('gated');
    await waitFor(() => db.logLine.count({ where: { runId: talking } }), {
      until: (n) => n >= 20,
      what: 'twenty lines of the talking stage',
    });
    await waitFor(() => db.logLine.count({ where: { runId: waiting, text: 'waiting' } }), {
      until: (n) => n === 1,
      what: 'the gated stage to wait',
    });

    await first.crash();
    const running = await docker.listContainers({ filters: { label: [`${RUN_LABEL}=${talking}`] } });
    expect(running.map((c) => c.State)).toEqual(['running']);
    // The gated stage ends while no API runs at all.
    writeFileSync(join(dataDir, 'workspaces', waiting, 'go'), '');

    const second = await spawn();
    expect(second.pid).not.toBe(first.pid);
    // Still streaming when the new API came up: it follows a live container, not only a finished one.
    const [live] = await docker.listContainers({ filters: { label: [`${RUN_LABEL}=${talking}`] } });
    expect(live?.State).toBe('running');
    const ended = async (id: string) =>
      waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }), {
        until: (row) => isTerminalRunPhase(row.phase),
        what: `run ${id} to end after the takeover`,
        timeoutMs: 90_000,
      });
    const talked = await ended(talking);
    expect(talked.phase).toBe('SUCCEEDED');
    // The same attempt, taken over, not a retry.
    expect(talked.stageRuns[0]).toMatchObject({ phase: 'SUCCEEDED', attempt: 1, exitCode: 0 });
    const lines = await db.logLine.findMany({ where: { runId: talking }, orderBy: { seq: 'asc' } });
    expect(lines.map((line) => Number(line.seq))).toEqual(lines.map((_, i) => i + 1));
    const expected = Array.from({ length: 600 }, (_, i) => i + 1);
    expect(lines.filter((l) => l.stream === 'STDOUT').map((l) => l.text)).toEqual(expected.map((i) => `line ${i}`));
    expect(lines.filter((l) => l.stream === 'STDERR').map((l) => l.text)).toEqual(expected.map((i) => `err ${i}`));

    const gatedRun = await ended(waiting);
    expect(gatedRun.stageRuns[0]).toMatchObject({
      phase: 'FAILED',
      attempt: 1,
      exitCode: 4,
      message: 'exited with code 4',
    });
    const gatedLines = await db.logLine.findMany({ where: { runId: waiting }, orderBy: { seq: 'asc' } });
    expect(gatedLines.map((l) => l.text)).toEqual(['waiting', 'leaving']);
    for (const id of [talking, waiting]) {
      expect(await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${id}`] } })).toEqual([]);
    }
  });

  it('a stage that ends while no API runs still pushes its resources: the next API makes its pushes', async () => {
    // Earlier APIs would take the attempt over at once: only the one crashed here may start it.
    while (processes.length > 0) await processes.pop()?.stop();
    const resolver = await buildResolverImage(docker, image);
    const receiver = await startHttpReceiver();
    try {
      const first = await spawn();
      const api = { graphql: graphqlAt(first.url) };
      const login = 'mutation($i: LoginInput!) { login(input: $i) { token } }';
      const token = (await must<{ login: { token: string } }>(api, undefined, login, { i: TEST_ADMIN })).login.token;
      await must(api, token, 'mutation { createTenant(input: {name: "pushes"}) { name } }');
      await must(api, token, 'mutation { createProject(input: {tenant: "pushes", name: "web"}) { name } }');
      const apply = (yaml: string) =>
        must(api, token, 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { action } }', {
          input: { tenant: 'pushes', project: 'web', yaml },
        });
      await apply(`apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: resource-type-greeting, labels: {resource.cyclone.dev/template: "true"}}
spec: {type: Greeting, resolver: ${resolver}, operations: [push], parameters: [{name: GREETING}]}
---
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: greeting}
spec: {type: Greeting}
---
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: upload}
spec: {type: Http, parameters: [{name: URL, value: "${receiver.url}/up"}]}
`);
      const gated =
        'echo waiting; while [ ! -e /workspace/go ]; do sleep 0.1; done; mkdir -p out && echo bye > out/note.txt';
      await apply(
        oneStageWorkflowYaml('gated', gated, {
          image,
          outputs: [
            { name: 'greeting', path: 'out' },
            { name: 'upload', path: 'out' },
          ],
        }),
      );
      const { id } = await runWorkflow(api, token, { tenant: 'pushes', project: 'web', workflow: 'gated' });
      await waitFor(() => db.logLine.count({ where: { runId: id, text: 'waiting' } }), {
        until: (n) => n === 1,
        what: 'the gated stage to wait',
      });
      await first.crash();
      writeFileSync(join(dataDir, 'workspaces', id, 'go'), '');
      await spawn();
      const run = await waitFor(
        () => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }),
        {
          until: (row) => isTerminalRunPhase(row.phase),
          what: 'the gated run to end after the takeover',
          timeoutMs: 90_000,
        },
      );
      const lines = (await db.logLine.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } })).map((l) => l.text);
      expect(run.stageRuns[0], lines.join('\n')).toMatchObject({ phase: 'SUCCEEDED', attempt: 1, exitCode: 0 });
      expect(lines).toContain('pushed note.txt: bye');
      expect(lines).toContain('[cyclone] sent resource "upload" (out as artifact.tar): 200: OK');
      expect(receiver.requests.map((r) => r.url)).toEqual(['/up']);
      expect(await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${id}`] } })).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('removes containers whose attempt is no longer running (orphans)', async () => {
    const orphan = await docker.createContainer({
      name: `cyclone-00000000-0000-4000-8000-000000000000-lost-1`,
      Image: image,
      Cmd: ['sleep', '300'],
      Labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY,
        // An instance of its own: other test files' containers on the same engine are not this sweep's.
        'cyclone.dev/instance': 'restart-orphans',
        [RUN_LABEL]: '00000000-0000-4000-8000-000000000000',
        'cyclone.dev/stage': 'lost',
        'cyclone.dev/attempt': '1',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await orphan.start();
    // Another installation's container on the same engine is not ours to remove.
    const foreign = await docker.createContainer({
      Image: image,
      Cmd: ['sleep', '300'],
      Labels: { [MANAGED_BY_LABEL]: MANAGED_BY, 'cyclone.dev/instance': 'other' },
      HostConfig: { NetworkMode: 'none' },
    });
    const executor = new ContainerExecutor({
      db,
      sql,
      logger: pino({ level: 'silent' }),
      docker,
      dataDir,
      store: new FilesystemArtifactStore(join(dataDir, 'artifacts')),
      onExit: async () => undefined,
      settings: { instance: 'restart-orphans', pidsLimit: 64, network: 'none', reportsOomKills: true },
    });
    try {
      expect(await executor.sweep({ minAgeMs: 0 })).toBe(1);
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await foreign.inspect()).Id).toBe(foreign.id);
    } finally {
      await executor.shutdown();
      await foreign.remove({ force: true });
    }
  });
});
