import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureServiceImage } from '../../../../../../scripts/testenv/service-image.mjs';
import { createPlainSql } from '../../../db/plain-sql.js';
import { createPrismaClient } from '../../../db/prisma.js';
import { FilesystemArtifactStore } from '../../../modules/artifacts/artifact-store.js';
import { stageOf } from '../../../testing/run-helpers.js';
import { seedTenant } from '../../../testing/seed.js';
import { runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';
import { waitFor } from '../../../testing/wait.js';
import { RUN_LABEL } from '../stage-paths.js';
import { ContainerExecutor } from './container-executor.js';
import { SERVICE_OF_LABEL, serviceContainerSpec } from './service-spec.js';

const STOP = 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id phase } }';

/**
 * Stage services in real containers: a Redis database from Debian's packages starts
 * before the stage, answers it by name on the services' shared network namespace (the
 * test engine has no bridge and stages no network), and goes with the stage: at its
 * end, when it is not ready in time, and on stop.
 */
describe('container executor: stage services', () => {
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  let image: string;
  let api: TestApi;
  let dataDir: string;
  let dev: string;
  let h: ReturnType<typeof runHelpers>;

  const redis = (
    name: string,
    port: number,
    readiness: { tcpPort?: number; command?: string[]; timeout?: string },
  ) => ({
    name,
    image,
    command: ['redis-server'],
    args: ['--port', String(port), '--save', '', '--appendonly', 'no'],
    env: [],
    readiness,
  });
  const containersOf = async (runId: string) =>
    docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  /** The run's containers once there are none (the caller asserts it); fails after 15 s. */
  const waitNoContainers = async (runId: string) => {
    await waitFor(() => containersOf(runId), {
      until: (containers) => containers.length === 0,
      what: `the containers of run ${runId} to go`,
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    return containersOf(runId);
  };

  beforeAll(async () => {
    image = ensureServiceImage(inject('dockerHost'));
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-services-'));
    api = await startTestApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'none',
    });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the services ready before the stage, which reaches them by name; they end with it', async () => {
    await h.createWorkflow('with-db', [
      {
        name: 'query',
        image,
        command: ['sh', '-c'],
        args: [
          'redis-cli -h db ping && redis-cli -h cache -p 6380 set greeting hello && redis-cli -h cache -p 6380 get greeting',
        ],
        services: [
          redis('db', 6379, { tcpPort: 6379 }),
          redis('cache', 6380, { command: ['redis-cli', '-p', '6380', 'ping'], timeout: '30s' }),
        ],
      },
    ]);
    const run = await h.waitEnd(await h.start('with-db'), 90_000);
    expect(run.phase, JSON.stringify([run, await h.logs(run.id, 'query')])).toBe('SUCCEEDED');
    expect(await h.logs(run.id, 'query')).toEqual([
      `[cyclone] starting service db (${image})`,
      '[cyclone] service db is ready (tcp port 6379)',
      `[cyclone] starting service cache (${image})`,
      '[cyclone] service cache is ready (command ["redis-cli","-p","6380","ping"])',
      'PONG',
      'OK',
      'hello',
    ]);
    // The databases would run forever: they went with the stage.
    expect(await waitNoContainers(run.id)).toEqual([]);
  });

  it('fails the attempt with a clear message when a service is not ready in time, and removes it', async () => {
    await h.createWorkflow('never-ready', [
      {
        name: 'query',
        image,
        command: ['redis-cli', '-h', 'db', 'ping'],
        services: [{ ...redis('db', 6379, { tcpPort: 7000, timeout: '3s' }) }],
      },
    ]);
    const run = await h.waitEnd(await h.start('never-ready'), 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'query').message).toMatch(
      /^service "db" was not ready within 3s \(readiness: tcp port 7000; last check: exit code 0/,
    );
    expect(await waitNoContainers(run.id)).toEqual([]);
  });

  it('fails the attempt when a service exits before it is ready, saying how it ended', async () => {
    await h.createWorkflow('crashing', [
      {
        name: 'query',
        image,
        command: ['redis-cli', '-h', 'db', 'ping'],
        services: [
          {
            name: 'db',
            image,
            command: ['sh', '-c', 'echo no database today >&2; exit 4'],
            readiness: { tcpPort: 6379 },
          },
        ],
      },
    ]);
    const run = await h.waitEnd(await h.start('crashing'), 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'query').message).toBe(
      'service "db" exited with code 4 before it was ready: no database today',
    );
    expect(await waitNoContainers(run.id)).toEqual([]);
  });

  it('stop removes the stage container and its services', async () => {
    await h.createWorkflow('long-with-db', [
      {
        name: 'wait',
        image,
        command: ['sh', '-c', 'redis-cli -h db ping; echo started; sleep 300'],
        services: [redis('db', 6379, { tcpPort: 6379 })],
      },
    ]);
    const id = await h.start('long-with-db');
    await waitFor(async () => (await h.logs(id, 'wait')).includes('started'), {
      what: 'the stage to print "started"',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect((await containersOf(id)).map((c) => c.State).sort()).toEqual(['running', 'running']);
    await h.must(STOP, { id });
    expect((await h.waitEnd(id, 30_000)).phase).toBe('CANCELLED');
    expect(await waitNoContainers(id)).toEqual([]);
  });

  it('after a restart, the sweep removes the services of attempts no longer running', async () => {
    // An instance of its own: other test files' containers on the same engine are not this sweep's.
    const settings = { instance: 'services-sweep', pidsLimit: 64, network: 'none', reportsOomKills: true };
    const lost = {
      runId: '00000000-0000-4000-8000-000000000001',
      stage: 'lost',
      attempt: 1,
      command: [],
      args: [],
      env: [],
      firstSeq: 1,
      services: [redis('db', 6379, {}), redis('cache', 6380, {})],
    };
    const attempt = `cyclone-${lost.runId}-lost-1`;
    for (const index of [0, 1]) {
      await (await docker.createContainer(serviceContainerSpec(lost, attempt, index, settings))).start();
    }
    const db = createPrismaClient(api.databaseUrl);
    const sql = createPlainSql(api.databaseUrl);
    const executor = new ContainerExecutor({
      db,
      sql,
      logger: pino({ level: 'silent' }),
      docker,
      dataDir,
      store: new FilesystemArtifactStore(join(dataDir, 'artifacts')),
      onExit: async () => undefined,
      settings,
    });
    try {
      expect(await executor.sweep({ minAgeMs: 0 })).toBe(2);
      expect(
        await docker.listContainers({ all: true, filters: { label: [`${SERVICE_OF_LABEL}=${attempt}`] } }),
      ).toEqual([]);
    } finally {
      await executor.shutdown();
      await db.$disconnect();
      await sql.close();
    }
  });
});
