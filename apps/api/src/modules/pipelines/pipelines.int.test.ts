// Pipelines as code against a real Git server (git http-backend on loopback) and, for
// the commit status of a refused file, the GitHub API stand-in of ../scm/testing with
// the "Get repository content" example of docs.github.com/en/rest/repos/contents.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { isEnded, runWorkflow } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';
import { startGitHttpServer } from '../scm/testing/git-http-server.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { signBody } from '../webhooks/verify-signature.js';

const SECRET = 'hook-s3cret';
const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const CREATE_TRIGGER =
  'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name scm { workflowFromRevision } } }';

const stageDoc = (name: string, script: string) => `---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: ${name}}
spec:
  pod:
    spec:
      containers:
        - name: main
          image: alpine
          command: [sh, -c, "${script}"]
`;
const workflowDoc = (stages: string) => `---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
  stages:
${stages}`;

const GOOD = `${stageDoc('lint', 'echo linting')}${stageDoc('unit', 'echo testing')}${workflowDoc(
  '    - name: lint\n    - name: unit\n      depends: [lint]\n',
)}`;
const CYCLIC = `${stageDoc('lint', 'true')}${stageDoc('unit', 'true')}${workflowDoc(
  '    - name: lint\n      depends: [unit]\n    - name: unit\n      depends: [lint]\n',
)}`;

describe('pipelines as code: .cyclone.yaml at the pushed revision', () => {
  let api: TestApi;
  let db: Db;
  let root: string;
  let work: string;
  let git: { url: string; stop(): Promise<void> };
  let github: LoopbackServer;
  let gitId: string;
  let githubId: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let count = 0;

  // Asynchronous: the git server runs in this process, so a blocking push would never be answered.
  const sh = async (cwd: string, ...args: string[]) =>
    (
      await promisify(execFile)('git', args, {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@x',
        },
      })
    ).stdout.trim();

  /** Commits `.cyclone.yaml` (or removes it) and pushes; answers the new SHA. */
  async function push(file: string | undefined): Promise<string> {
    if (file === undefined) rmSync(join(work, '.cyclone.yaml'), { force: true });
    else writeFileSync(join(work, '.cyclone.yaml'), file);
    writeFileSync(join(work, 'README'), `change ${++count}\n`);
    await sh(work, 'add', '-A');
    await sh(work, 'commit', '-q', '-m', `change ${count}`);
    await sh(work, 'push', '-q', 'origin', 'HEAD:main');
    return sh(work, 'rev-parse', 'HEAD');
  }

  /** Delivers a push of `sha`; a second delivery id for one SHA is what a second hook (or a re-push) sends. */
  async function deliverGitPush(sha: string, deliveryId = `${sha}-main`) {
    const body = JSON.stringify({ repo: 'app.git', ref: 'refs/heads/main', before: '0'.repeat(40), after: sha });
    const response = await fetch(`${api.url}/webhooks/${gitId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cyclone-event': 'git-push',
        'x-cyclone-delivery': deliveryId,
        'x-hub-signature-256': signBody(body, SECRET),
      },
      body,
    });
    return {
      status: response.status,
      json: (await response.json()) as { outcome: string; reason: string; runs: string[] },
    };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cyclone-pac-git-'));
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'app.git')]);
    execFileSync('git', ['-C', join(root, 'app.git'), 'config', 'http.receivepack', 'true']);
    git = await startGitHttpServer(root);
    work = join(root, 'work');
    mkdirSync(work);
    await sh(work, 'init', '-q', '-b', 'main');
    await sh(work, 'remote', 'add', 'origin', `${git.url}/app.git`);
    github = await new LoopbackServer().start();

    api = await startTestApi({ CYCLONE_PUBLIC_URL: 'https://cyclone.example.com' });
    db = createPrismaClient(api.databaseUrl);
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] });
    const integration = async (name: string, type: string, config: object, secret: object) =>
      (
        await api.graphql<{ createIntegration: { id: string } }>(
          CREATE_INTEGRATION,
          { input: { tenant: 'acme', name, type, config, secret } },
          admin,
        )
      ).data?.createIntegration.id as string;
    gitId = await integration('git', 'GIT', { server: git.url }, { webhookSecret: SECRET });
    // No webhookSecret-less registration: the GitHub stand-in answers no hook API, so no token here.
    githubId = await integration('github', 'GITHUB', { server: github.url }, { webhookSecret: SECRET });
    for (const name of ['ci', 'gh']) {
      const created = await api.graphql(
        CREATE_WORKFLOW,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            name,
            stages: [{ name: 'build', image: 'alpine', command: ['sh', '-c', 'echo stored'] }],
          },
        },
        roles.DEVELOPER,
      );
      expect(created.errors).toBeUndefined();
    }
    const trigger = await api.graphql<{ createWorkflowTrigger: { scm: { workflowFromRevision: boolean } } }>(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          name: 'on-push',
          type: 'SCM',
          scm: { integration: 'git', repo: 'app.git', push: { branches: ['main'] }, workflowFromRevision: true },
        },
      },
      roles.DEVELOPER,
    );
    expect(trigger.errors).toBeUndefined();
    expect(trigger.data?.createWorkflowTrigger.scm.workflowFromRevision).toBe(true);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await git?.stop();
    await github?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("runs the stages of the pushed revision's .cyclone.yaml, bound to a version of that commit", async () => {
    const sha = await push(GOOD);
    const delivered = await deliverGitPush(sha);
    expect(delivered.status).toBe(200);
    expect(delivered.json.runs).toHaveLength(1);
    const runId = delivered.json.runs[0] as string;
    const run = await db.workflowRun.findUniqueOrThrow({
      where: { id: runId },
      include: { version: true, stageRuns: { orderBy: { stage: 'asc' } }, workflow: true },
    });
    expect(run.version.sourceRevision).toBe(sha);
    expect(run.version.sourceRepo).toBe('app.git');
    expect(run.version.version).toBe(2);
    // The stored workflow is untouched: its current version is still the one with "build".
    expect(run.workflow.currentVersion).toBe(1);
    expect(run.stageRuns.map((s) => s.stage)).toEqual(['lint', 'unit']);
    const done = await waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id: runId } }), {
      until: isEnded,
      what: 'the run to finish',
      timeoutMs: 30_000,
    });
    expect(done.phase).toBe('SUCCEEDED');

    // A manual run still takes the stored workflow.
    const manual = await runWorkflow(api, roles.DEVELOPER, { tenant: 'acme', project: 'web', workflow: 'ci' });
    const stages = await db.stageRun.findMany({ where: { runId: manual.id } });
    expect(stages.map((s) => s.stage)).toEqual(['build']);

    // Versions list shows where the revision's version came from.
    const versions = await api.graphql<{
      workflow: { versions: { version: number; sourceRevision: string | null }[] };
    }>(
      'query { workflow(tenant: "acme", project: "web", name: "ci") { versions { version sourceRevision } } }',
      {},
      roles.DEVELOPER,
    );
    expect(versions.data?.workflow.versions).toEqual([
      { version: 2, sourceRevision: sha },
      { version: 1, sourceRevision: null },
    ]);
  });

  it('starts nothing for an invalid file and records why on the delivery', async () => {
    const versionsBefore = await db.workflowVersion.count();
    const runsBefore = await db.workflowRun.count();
    const sha = await push(CYCLIC);
    const delivered = await deliverGitPush(sha);
    expect(delivered.status).toBe(200);
    expect(delivered.json.outcome).toBe('ACCEPTED');
    expect(delivered.json.runs).toEqual([]);
    expect(delivered.json.reason).toMatch(
      /trigger "on-push" started no run: \.cyclone\.yaml: documents\[2\]\.spec\.stages/,
    );
    expect(delivered.json.reason).toMatch(/cycle/i);
    const row = await db.webhookDelivery.findFirstOrThrow({
      where: { integrationId: gitId, deliveryId: `${sha}-main` },
    });
    expect(row.reason).toBe(delivered.json.reason);
    expect(row.runIds).toEqual([]);
    expect(await db.workflowVersion.count()).toBe(versionsBefore);
    expect(await db.workflowRun.count()).toBe(runsBefore);
  });

  it('starts nothing when the revision has no .cyclone.yaml', async () => {
    const sha = await push(undefined);
    const delivered = await deliverGitPush(sha);
    expect(delivered.json.runs).toEqual([]);
    expect(delivered.json.reason).toContain(`.cyclone.yaml does not exist at ${sha}`);
  });

  it('reuses the version of a commit it already stored, and numbers later stored versions after it', async () => {
    const sha = await push(GOOD);
    const first = await deliverGitPush(sha);
    expect(first.json.runs).toHaveLength(1);
    const firstRun = await db.workflowRun.findUniqueOrThrow({
      where: { id: first.json.runs[0] as string },
      include: { version: true },
    });
    const workflowId = firstRun.workflowId;
    const versionsAfterFirst = await db.workflowVersion.count({ where: { workflowId } });

    // The same commit again under another delivery id: a new run, on the version already stored.
    const second = await deliverGitPush(sha, `${sha}-again`);
    expect(second.status).toBe(200);
    expect(second.json.runs).toHaveLength(1);
    expect(second.json.runs[0]).not.toBe(firstRun.id);
    const secondRun = await db.workflowRun.findUniqueOrThrow({ where: { id: second.json.runs[0] as string } });
    expect(secondRun.versionId).toBe(firstRun.versionId);
    expect(await db.workflowVersion.count({ where: { workflowId } })).toBe(versionsAfterFirst);
    expect(await db.workflowVersion.count({ where: { workflowId, sourceRevision: sha } })).toBe(1);

    const updated = await api.graphql(
      'mutation($input: UpdateWorkflowInput!) { updateWorkflow(input: $input) { name } }',
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'ci',
          stages: [{ name: 'build', image: 'alpine', command: ['sh', '-c', 'echo stored v2'] }],
        },
      },
      roles.DEVELOPER,
    );
    expect(updated.errors).toBeUndefined();
    // The stored update is numbered after the revision's version, not given its number.
    const workflow = await db.workflow.findUniqueOrThrow({ where: { id: workflowId } });
    expect(workflow.currentVersion).toBe(firstRun.version.version + 1);
    const max = await db.workflowVersion.aggregate({ where: { workflowId }, _max: { version: true } });
    expect(workflow.currentVersion).toBe(max._max.version);
    expect(await db.workflowVersion.count({ where: { workflowId } })).toBe(versionsAfterFirst + 1);
  });

  it('posts a failure commit status naming the reason (GitHub contents API)', async () => {
    const sha = 'aa218f56b14c9653891f9e74264a383fa43fefbd';
    await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'gh',
          name: 'gh-push',
          type: 'SCM',
          scm: {
            integration: 'github',
            repo: 'octocat/Hello-World',
            push: { branches: [] },
            workflowFromRevision: true,
          },
        },
      },
      roles.DEVELOPER,
    );
    // Statuses need a token; set it now that the trigger exists (no hook registration happened).
    await api.graphql(
      'mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { name } }',
      { input: { tenant: 'acme', name: 'github', secret: { token: 'ghp_test', webhookSecret: SECRET } } },
      await api.loginAsAdmin(),
    );
    github
      .on(`GET /api/v3/repos/octocat/Hello-World/contents/.cyclone.yaml?ref=${sha}`, {
        body: {
          type: 'file',
          encoding: 'base64',
          size: 20,
          name: '.cyclone.yaml',
          path: '.cyclone.yaml',
          content: Buffer.from('kind: [not yaml').toString('base64'),
        },
      })
      .on(`POST /api/v3/repos/octocat/Hello-World/statuses/${sha}`, { status: 201, body: { state: 'failure' } });
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: sha,
      deleted: false,
      repository: { full_name: 'octocat/Hello-World' },
      head_commit: { id: sha },
    });
    const response = await fetch(`${api.url}/webhooks/${githubId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'pac-1',
        'x-hub-signature-256': signBody(body, SECRET),
      },
      body,
    });
    const json = (await response.json()) as { runs: string[]; reason: string };
    expect(response.status).toBe(200);
    expect(json.runs).toEqual([]);
    expect(json.reason).toContain('trigger "gh-push" started no run: .cyclone.yaml');
    const posted = github.find('POST', `/api/v3/repos/octocat/Hello-World/statuses/${sha}`);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body).toMatchObject({ state: 'failure', context: 'cyclone/gh' });
    expect(posted[0]?.body).toMatchObject({ description: expect.stringMatching(/^no run: \.cyclone\.yaml/) });
  });

  describe('a revision read for the comparison (Workflow.pipelineRevision)', () => {
    const READ = `query($name: String!, $revision: String!, $trigger: String) {
      workflow(tenant: "acme", project: "web", name: $name) {
        pipelineRevision(revision: $revision, trigger: $trigger) {
          trigger repository revision branch path stages { name dependsOn image command }
        }
      }
    }`;
    type Read = {
      workflow: {
        pipelineRevision: {
          trigger: string;
          repository: string;
          revision: string;
          branch: string | null;
          path: string;
          stages: { name: string; dependsOn: string[]; image: string; command: string[] }[];
        };
      };
    };
    type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    const read = (revision: string, name = 'ci', trigger?: string) =>
      api.graphql<Read>(READ, { name, revision, trigger }, roles.DEVELOPER);
    const refusal = (result: Refusal) => {
      const error = result.errors?.[0];
      return { code: error?.extensions?.code, field: error?.extensions?.field, message: error?.message };
    };

    it('reads .cyclone.yaml at a commit that never ran, and stores nothing', async () => {
      const versionsBefore = await db.workflowVersion.count();
      const runsBefore = await db.workflowRun.count();
      const sha = await push(GOOD);
      const result = await read(sha);
      expect(result.errors).toBeUndefined();
      expect(result.data?.workflow.pipelineRevision).toEqual({
        trigger: 'on-push',
        repository: 'app.git',
        revision: sha,
        branch: null,
        path: '.cyclone.yaml',
        stages: [
          { name: 'lint', dependsOn: [], image: 'alpine', command: ['sh', '-c', 'echo linting'] },
          { name: 'unit', dependsOn: ['lint'], image: 'alpine', command: ['sh', '-c', 'echo testing'] },
        ],
      });
      expect(await db.workflowVersion.count()).toBe(versionsBefore);
      expect(await db.workflowRun.count()).toBe(runsBefore);
    });

    it('reads a branch at its head: what a push to it would run now', async () => {
      const sha = await push(GOOD.replace('echo testing', 'echo tested'));
      const result = await read('main', 'ci', 'on-push');
      expect(result.errors).toBeUndefined();
      expect(result.data?.workflow.pipelineRevision).toMatchObject({ revision: sha, branch: 'main' });
      expect(result.data?.workflow.pipelineRevision.stages[1]?.command).toEqual(['sh', '-c', 'echo tested']);
    });

    it('says why a revision has no usable pipeline, naming the field', async () => {
      const cyclic = await push(CYCLIC);
      expect(refusal(await read(cyclic))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision' });
      expect(refusal(await read(cyclic)).message).toMatch(/cycle/);
      const without = await push(undefined);
      expect(refusal(await read(without))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'revision',
        message: `revision: .cyclone.yaml does not exist at ${without}`,
      });
      expect(refusal(await read('no-such-branch')).message).toBe(
        'revision: "no-such-branch" is neither a full commit SHA nor a branch of app.git',
      );
      expect(refusal(await read('0'.repeat(40)))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision' });
    });

    it('needs a trigger that takes the workflow from a repository', async () => {
      const created = await api.graphql(
        CREATE_WORKFLOW,
        { input: { tenant: 'acme', project: 'web', name: 'stored-only', stages: [{ name: 'b', image: 'alpine' }] } },
        roles.DEVELOPER,
      );
      expect(created.errors).toBeUndefined();
      expect(refusal(await read('main', 'stored-only'))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'trigger',
        message: 'trigger: no SCM trigger of workflow "stored-only" takes its workflow from the repository',
      });
      expect(refusal(await read('main', 'ci', 'nightly'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'trigger' });
    });
  });
});
