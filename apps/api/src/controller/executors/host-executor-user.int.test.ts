import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainSql, type PlainSql } from '../../db/plain-sql.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { ensureSystemUser, type SystemUser } from '../../system/system-user.js';
import { createGitRepository } from '../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import type { StageExit, StageLaunch } from './executor.js';
import { HostExecutor } from './host-executor.js';
import { type HostIsolation, STAGE_USER } from './host-isolation.js';

const isRoot = process.getuid?.() === 0;

/**
 * The host executor without bubblewrap, driven directly against a real database:
 * as root it still never runs a stage as root (isolation `user`), and a refused
 * isolation fails every start with its message.
 */
describe('the host executor without a sandbox', () => {
  let api: TestApi;
  let db: Db;
  let sql: PlainSql;
  let dataDir: string;
  let runId: string;
  let repo: ReturnType<typeof createGitRepository>;
  const marker = `user-mode-secret-${process.pid}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-user-mode-'));
    // As detectHostIsolation leaves it: the stage user may enter the data folder.
    chmodSync(dataDir, 0o755);
    // Role server: nothing runs the run's stages but the executor of this test.
    api = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const must = async (query: string, input: object) => {
      const result = await api.graphql<Record<string, { id?: string }>>(query, { input }, admin);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data ?? {};
    };
    await must('mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }', { name: 'acme' });
    await must('mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }', {
      tenant: 'acme',
      name: 'web',
    });
    await must('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
      tenant: 'acme',
      project: 'web',
      name: 'direct',
      stages: [{ name: 's', image: 'alpine', command: ['true'] }],
    });
    const run = await must('mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }', {
      tenant: 'acme',
      project: 'web',
      workflow: 'direct',
    });
    runId = run.runWorkflow?.id as string;
    db = createPrismaClient(api.databaseUrl);
    sql = createPlainSql(api.databaseUrl);
    repo = createGitRepository();
    process.env.CYCLONE_USER_MODE_PROBE = marker;
  });

  afterAll(async () => {
    delete process.env.CYCLONE_USER_MODE_PROBE;
    await db?.$disconnect();
    await sql?.close();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (repo) rmSync(join(repo.bare, '..'), { recursive: true, force: true });
  });

  /** Starts one attempt and waits for its exit; returns the exit and its stored lines. */
  async function runAttempt(isolation: HostIsolation, launch: Partial<StageLaunch> & { attempt: number }) {
    let resolveExit: (exit: StageExit) => void = () => undefined;
    const exited = new Promise<StageExit>((resolve) => {
      resolveExit = resolve;
    });
    const bound = new HostExecutor({
      db,
      sql,
      logger: pino({ level: 'silent' }),
      dataDir,
      isolation,
      onExit: async (exit) => resolveExit(exit),
    });
    const before = await db.logLine.count({ where: { runId, stage: 's' } });
    bound.start({ runId, stage: 's', command: [], args: [], env: [], firstSeq: before + 1, ...launch });
    const exit = await exited;
    await bound.shutdown();
    const lines = await db.logLine.findMany({
      where: { runId, stage: 's', seq: { gt: before } },
      orderBy: { seq: 'asc' },
    });
    return { exit, lines: lines.map((line) => line.text) };
  }

  it.skipIf(!isRoot)(
    'as root, runs the stage as cyclone-stage: the API’s environment and 0600 files stay closed, inputs are its own',
    async () => {
      const user = ensureSystemUser(STAGE_USER) as SystemUser;
      const keyFile = join(dataDir, 'encryption.key');
      writeFileSync(keyFile, 'not-for-stages\n', { mode: 0o600 });
      const { exit, lines } = await runAttempt(
        { isolation: 'user', stageUser: user },
        {
          attempt: 1,
          command: ['sh', '-c'],
          args: [
            [
              'id -un',
              `cat /proc/${process.pid}/environ`,
              `cat ${keyFile}`,
              'echo "workspace=$CYCLONE_WORKSPACE"',
              'cat src/version.txt',
              'echo built > src/out && echo "wrote into the checkout"',
            ].join('; '),
          ],
          resources: [{ name: 'src', type: 'Git', url: `file://${repo.bare}`, revision: 'v1', path: 'src' }],
        },
      );
      expect(exit).toMatchObject({ exitCode: 0, message: '' });
      const workspace = join(dataDir, 'workspaces', runId);
      expect(lines).toEqual(
        expect.arrayContaining([
          STAGE_USER,
          `cat: /proc/${process.pid}/environ: Permission denied`,
          `cat: ${keyFile}: Permission denied`,
          `workspace=${workspace}`,
          'one',
          'wrote into the checkout',
        ]),
      );
      expect(lines.join('\n')).not.toContain(marker);
      expect(lines.join('\n')).not.toContain('not-for-stages');
      // The copy in the workspace is the stage's; the pull stays in the API's folder.
      expect(statSync(join(workspace, '.cyclone', 'resources', 'src', 'version.txt')).uid).toBe(user.uid);
      expect(statSync(workspace).uid).toBe(user.uid);
      expect(statSync(join(dataDir, 'pulls', runId)).uid).toBe(0);
    },
  );

  it('a refused isolation fails every start with its message, and starts nothing', () => {
    const refusal = 'stages are refused: bubblewrap (bwrap) is not available to sandbox them …';
    const executor = new HostExecutor({
      db,
      sql,
      logger: pino({ level: 'silent' }),
      dataDir: join(dataDir, 'refused'),
      isolation: { isolation: 'none', refusal },
      onExit: async () => undefined,
    });
    expect(() =>
      executor.start({ runId, stage: 's', attempt: 9, command: ['true'], args: [], env: [], firstSeq: 1 }),
    ).toThrow(refusal);
  });
});
