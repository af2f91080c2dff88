// Deliveries are built from the documentation-shaped payloads in ./fixtures (see
// normalize-event.test.ts for the pages they follow); the GitHub API that commit
// statuses, pull request lookups and hook registration talk to is a loopback server
// answering with the examples in ../scm/fixtures/github.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';
import { workspaceGates } from '../../testing/workspace-gates.js';
import { fixture } from '../scm/testing/fixtures.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { signBody } from './verify-signature.js';

const PUBLIC_URL = 'https://cyclone.example.com';
const SECRET = 'hook-s3cret';
const REPO = 'octocat/Hello-World';
const PUSH_SHA = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const PR_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const HOTFIX_SHA = 'c'.repeat(40);
const TAG_SHA = 'd'.repeat(40);
const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const CREATE_TRIGGER =
  'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name webhookUrl } }';
const DELETE_TRIGGER = 'mutation($input: WorkflowTriggerRefInput!) { deleteWorkflowTrigger(input: $input) }';

const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));

describe('SCM webhooks', () => {
  let api: TestApi;
  let db: Db;
  let github: LoopbackServer;
  let dataDir: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let githubId: string;
  let deliveryCount = 0;

  async function deliver(
    integrationId: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<{ status: number; json: { outcome: string; reason: string; runs: string[]; replayed?: boolean } }> {
    const response = await fetch(`${api.url}/webhooks/${integrationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, json: (await response.json()) as never };
  }

  /** A delivery as GitHub signs it. */
  function github_(event: string, payload: unknown, options: { secret?: string; id?: string } = {}) {
    const body = JSON.stringify(payload);
    const id = options.id ?? `delivery-${++deliveryCount}`;
    return deliver(githubId, body, {
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': signBody(body, options.secret ?? SECRET),
    });
  }

  /**
   * Stages of the workflows below wait for their gate file: a run stays running until
   * the test opens the gate, so its pending status is always posted before the final one.
   */
  let gates: ReturnType<typeof workspaceGates>;
  const openGate = (workflow: string) => gates.open(workflow);
  const statesOf = (sha: string) =>
    github.find('POST', `/api/v3/repos/${REPO}/statuses/${sha}`).map((r) => r.body as Record<string, string>);

  const runsOf = (workflow: string) =>
    db.workflowRun.findMany({ where: { workflow: { name: workflow } }, orderBy: { number: 'asc' } });

  beforeAll(async () => {
    github = await new LoopbackServer().start();
    let hookId = 12345678;
    github
      .on(`POST /api/v3/repos/${REPO}/hooks`, () => ({
        status: 201,
        body: { ...(fixture('github', 'create-hook') as object), id: hookId++ },
      }))
      .on(`DELETE /api/v3/repos/${REPO}/hooks/12345678`, { status: 204 })
      .on(`GET /api/v3/repos/${REPO}/pulls/1347`, { body: fixture('github', 'pull-request') })
      .on(`GET /api/v3/repos/${REPO}/collaborators/octocat/permission`, {
        body: fixture('github', 'collaborator-permission'),
      })
      .on(`POST /api/v3/repos/${REPO}/statuses/${PUSH_SHA}`, { status: 201, body: fixture('github', 'create-status') })
      .on(`POST /api/v3/repos/${REPO}/statuses/${PR_SHA}`, { status: 201, body: fixture('github', 'create-status') })
      .on(`POST /api/v3/repos/${REPO}/statuses/${HOTFIX_SHA}`, { status: 201, body: {} })
      .on(`POST /api/v3/repos/${REPO}/statuses/${TAG_SHA}`, { status: 201, body: {} });
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-webhooks-'));
    gates = workspaceGates(dataDir);
    api = await startTestApi({ CYCLONE_PUBLIC_URL: PUBLIC_URL, CYCLONE_DATA_DIR: dataDir });
    db = createPrismaClient(api.databaseUrl);
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    const created = await api.graphql<{ createIntegration: { id: string } }>(
      CREATE_INTEGRATION,
      {
        input: {
          tenant: 'acme',
          name: 'github',
          type: 'GITHUB',
          config: { server: github.url },
          secret: { token: 'ghp_test', webhookSecret: SECRET },
        },
      },
      admin,
    );
    githubId = created.data?.createIntegration.id as string;
    const waitForGate = (workflow: string) => gates.script(workflow, '0.1');
    for (const [name, command] of [
      ['ci', waitForGate('ci')],
      ['pr', waitForGate('pr')],
      ['checks', `${waitForGate('checks')}; exit 1`],
    ]) {
      const workflow = await api.graphql(
        CREATE_WORKFLOW,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            name,
            stages: [{ name: 'build', image: 'alpine', command: ['sh', '-c', command] }],
          },
        },
        roles.DEVELOPER,
      );
      expect(workflow.errors).toBeUndefined();
    }
    // Generous: a busy machine is slow at hashing the seeded users' passwords.
  }, 180_000);

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await github?.stop();
    gates?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the repository webhook once when SCM triggers are created', async () => {
    const trigger = (workflow: string, name: string, scm: Record<string, unknown>) =>
      api.graphql(
        CREATE_TRIGGER,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            workflow,
            name,
            type: 'SCM',
            scm: { integration: 'github', repo: REPO, ...scm },
            parameters: [{ name: 'ENV', value: 'ci' }],
          },
        },
        roles.DEVELOPER,
      );
    const push = await trigger('ci', 'on-push', { push: { branches: ['main', 'release/*'] }, tagRelease: true });
    expect(push.errors).toBeUndefined();
    expect(push.data).toEqual({ createWorkflowTrigger: { name: 'on-push', webhookUrl: `/webhooks/${githubId}` } });
    const pr = await trigger('pr', 'on-pr', {
      pullRequest: { branches: ['main'] },
      pullRequestComment: { comments: ['/retest'] },
    });
    expect(pr.errors).toBeUndefined();
    const registrations = github.find('POST', `/api/v3/repos/${REPO}/hooks`);
    expect(registrations).toHaveLength(1);
    expect(registrations[0]?.headers.authorization).toBe('Bearer ghp_test');
    expect(registrations[0]?.body).toMatchObject({
      events: ['push', 'pull_request', 'issue_comment'],
      config: { url: `${PUBLIC_URL}/webhooks/${githubId}`, secret: SECRET, content_type: 'json' },
    });
    expect(await db.repositoryWebhook.findMany({ select: { repo: true, hookId: true } })).toEqual([
      { repo: REPO, hookId: '12345678' },
    ]);
  });

  it('answers 404 for unknown integrations', async () => {
    const body = JSON.stringify(load('github-push'));
    const headers = { 'x-github-event': 'push', 'x-hub-signature-256': signBody(body, SECRET) };
    expect((await deliver('00000000-0000-0000-0000-000000000000', body, headers)).status).toBe(404);
    expect((await deliver('not-a-uuid', body, headers)).status).toBe(404);
  });

  it('refuses unsigned, forged and tampered deliveries with 401, records them and starts nothing', async () => {
    const payload = load('github-push');
    const body = JSON.stringify(payload);
    const unsigned = await deliver(githubId, body, { 'x-github-event': 'push', 'x-github-delivery': 'forged-1' });
    expect(unsigned.status).toBe(401);
    expect((await github_('push', payload, { secret: 'wrong-secret', id: 'forged-2' })).status).toBe(401);
    const tampered = await deliver(githubId, body.replace(PUSH_SHA, 'f'.repeat(40)), {
      'x-github-event': 'push',
      'x-github-delivery': 'forged-3',
      'x-hub-signature-256': signBody(body, SECRET),
    });
    expect(tampered.status).toBe(401);
    expect(tampered.json.outcome).toBe('REJECTED');
    expect(await runsOf('ci')).toHaveLength(0);
    const recorded = await db.webhookDelivery.findMany({ where: { integrationId: githubId, outcome: 'REJECTED' } });
    expect(recorded).toHaveLength(3);
    // A forged delivery does not claim its id: the genuine one with that id still counts.
    expect(recorded.every((r) => r.deliveryId === null && r.statusCode === 401)).toBe(true);
  });

  it('refuses payloads over 1 MB with 413', async () => {
    const payload = { ...load('github-push'), padding: 'x'.repeat(1024 * 1024) };
    const result = await github_('push', payload);
    expect(result.status).toBe(413);
    expect(await db.webhookDelivery.count({ where: { statusCode: 413 } })).toBe(1);
    expect(await runsOf('ci')).toHaveLength(0);
  });

  it('refuses a streamed body over 1 MB that declares no Content-Length with 413, and records it', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const answer = await new Promise<{ status: number; json: { outcome: string; reason: string } }>(
      (resolve, reject) => {
        const req = request(
          `${api.url}/webhooks/${githubId}`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'transfer-encoding': 'chunked',
              'x-github-event': 'push',
              'x-github-delivery': 'streamed-1',
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
            );
          },
        );
        req.on('error', reject);
        expect(req.getHeader('content-length')).toBeUndefined();
        // 17 × 64 KB: past the limit only once most of it has arrived.
        for (let i = 0; i < 17; i++) req.write(chunk);
        req.end();
      },
    );
    expect(answer).toEqual({
      status: 413,
      json: { outcome: 'REJECTED', reason: 'the payload is larger than 1 MB', runs: [] },
    });
    const recorded = await db.webhookDelivery.findMany({ where: { integrationId: githubId, statusCode: 413 } });
    expect(recorded).toHaveLength(2);
    expect(recorded.every((r) => r.outcome === 'REJECTED' && r.event === 'push' && r.deliveryId === null)).toBe(true);
    expect(await runsOf('ci')).toHaveLength(0);
  });

  it('starts exactly one run for a matching push, with SCM_REVISION, and not again on redelivery', async () => {
    const first = await github_('push', load('github-push'), { id: 'push-main' });
    expect(first.status).toBe(200);
    expect(first.json.outcome).toBe('ACCEPTED');
    expect(first.json.runs).toHaveLength(1);
    const runs = await runsOf('ci');
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run?.trigger).toBe('SCM');
    expect(run?.triggerId).toBe((await db.workflowTrigger.findFirst({ where: { name: 'on-push' } }))?.id);
    expect(run?.createdById).toBeNull();
    expect(run?.parameters).toEqual(
      expect.arrayContaining([
        { name: 'ENV', value: 'ci' },
        { name: 'SCM_REVISION', value: PUSH_SHA },
        { name: 'SCM_REF', value: 'refs/heads/main' },
        { name: 'SCM_EVENT', value: 'push' },
        { name: 'SCM_BRANCH', value: 'main' },
      ]),
    );
    const replayed = await github_('push', load('github-push'), { id: 'push-main' });
    expect(replayed.status).toBe(200);
    expect(replayed.json).toMatchObject({ outcome: 'ACCEPTED', runs: first.json.runs, replayed: true });
    expect(await runsOf('ci')).toHaveLength(1);
  });

  it('posts pending while the run runs and then the final commit status, with a link to the run page', async () => {
    const [run] = await runsOf('ci');
    const link = `${PUBLIC_URL}/projects/web/workflows/ci/runs/${run?.id}`;
    // The run waits at its gate, so pending is posted first (and only once: a row whose
    // pending is posted is claimed again only when the run has finished).
    await waitFor(async () => statesOf(PUSH_SHA).length > 0, { what: 'the pending commit status' });
    expect(statesOf(PUSH_SHA)).toEqual([
      { state: 'pending', target_url: link, description: 'Cyclone run #1 is running', context: 'cyclone/ci' },
    ]);
    openGate('ci');
    await waitFor(async () => statesOf(PUSH_SHA).length > 1, { what: 'the final commit status' });
    expect(statesOf(PUSH_SHA)).toEqual([
      { state: 'pending', target_url: link, description: 'Cyclone run #1 is running', context: 'cyclone/ci' },
      { state: 'success', target_url: link, description: 'Cyclone run #1 succeeded', context: 'cyclone/ci' },
    ]);
    // The row records the post after the provider answered it.
    const row = await waitFor(
      async () => {
        const found = await db.scmRunStatus.findUnique({ where: { runId: run?.id as string } });
        return found?.finalPostedAt ? found : undefined;
      },
      { what: 'the final status recorded' },
    );
    expect(row).toMatchObject({ finalState: 'success', lastError: '' });
    expect(row?.finalPostedAt).not.toBeNull();
  });

  it('retries a commit status the server refused, with backoff, until it is posted', async () => {
    const sha = 'b'.repeat(40);
    let calls = 0;
    github.on(`POST /api/v3/repos/${REPO}/statuses/${sha}`, () =>
      ++calls === 1 ? { status: 502, body: { message: 'Server Error' } } : { status: 201, body: {} },
    );
    const pushed = await github_('push', { ...load('github-push'), ref: 'refs/heads/release/1.0', after: sha });
    const runId = pushed.json.runs[0] as string;
    expect(runId).toBeDefined();
    await waitFor(
      async () => {
        const row = await db.scmRunStatus.findUnique({ where: { runId } });
        // The status and its standard reason, not the server's body.
        return row && row.attempts === 1 && row.lastError.includes('answered 502: Bad Gateway');
      },
      { what: 'a failed first attempt' },
    );
    await waitFor(async () => (await db.scmRunStatus.findUnique({ where: { runId } }))?.finalState === 'success', {
      what: 'the final status after the retry',
      timeoutMs: 30_000,
    });
    const row = await db.scmRunStatus.findUniqueOrThrow({ where: { runId } });
    expect(row).toMatchObject({ attempts: 0, lastError: '', finalState: 'success' });
    const states = github
      .find('POST', `/api/v3/repos/${REPO}/statuses/${sha}`)
      .map((r) => (r.body as { state: string }).state);
    expect(states.at(-1)).toBe('success');
    expect(states.length).toBeGreaterThanOrEqual(2);
  });

  it('starts nothing for a push to a branch no trigger matches, or a ping', async () => {
    const other = await github_('push', { ...load('github-push'), ref: 'refs/heads/feature/x' });
    expect(other.status).toBe(200);
    expect(other.json).toMatchObject({ outcome: 'ACCEPTED', runs: [] });
    const ping = await github_('ping', { zen: 'Design for failure.', hook_id: 12345678 });
    expect(ping.json.outcome).toBe('IGNORED');
    expect(await runsOf('ci')).toHaveLength(2);
  });

  it('posts failure with the run-page link when a push-started run fails', async () => {
    // Push-only: 'v*' also names the tag pushed in the next test, which must not run it.
    const created = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'checks',
          name: 'on-hotfix',
          type: 'SCM',
          scm: { integration: 'github', repo: REPO, push: { branches: ['hotfix/*', 'v*'] } },
        },
      },
      roles.DEVELOPER,
    );
    expect(created.errors).toBeUndefined();
    const pushed = await github_('push', { ...load('github-push'), ref: 'refs/heads/hotfix/1', after: HOTFIX_SHA });
    expect(pushed.json.runs).toHaveLength(1);
    const runId = pushed.json.runs[0] as string;
    const link = `${PUBLIC_URL}/projects/web/workflows/checks/runs/${runId}`;
    await waitFor(async () => statesOf(HOTFIX_SHA).length > 0, { what: 'the pending commit status' });
    openGate('checks');
    await waitFor(async () => statesOf(HOTFIX_SHA).length > 1, { what: 'the final commit status' });
    expect((await db.workflowRun.findUniqueOrThrow({ where: { id: runId } })).phase).toBe('FAILED');
    expect(statesOf(HOTFIX_SHA)).toEqual([
      { state: 'pending', target_url: link, description: 'Cyclone run #1 is running', context: 'cyclone/checks' },
      { state: 'failure', target_url: link, description: 'Cyclone run #1 failed', context: 'cyclone/checks' },
    ]);
    const recorded = await waitFor(
      async () => {
        const found = await db.scmRunStatus.findUnique({ where: { runId } });
        return found?.finalPostedAt ? found : undefined;
      },
      { what: 'the final status recorded' },
    );
    expect(recorded).toMatchObject({ finalState: 'failure' });
  });

  it('runs triggers with tagRelease for a tag push, with SCM_TAG, and not push-only triggers', async () => {
    const tagged = await github_('push', {
      ...load('github-push'),
      ref: 'refs/tags/v1.0',
      base_ref: 'refs/heads/main',
      after: TAG_SHA,
    });
    expect(tagged.status).toBe(200);
    expect(tagged.json).toMatchObject({ outcome: 'ACCEPTED', runs: [expect.any(String)] });
    const run = await db.workflowRun.findUniqueOrThrow({
      where: { id: tagged.json.runs[0] as string },
      include: { workflow: true, workflowTrigger: true },
    });
    expect([run.workflow.name, run.workflowTrigger?.name]).toEqual(['ci', 'on-push']);
    expect(run.parameters).toEqual(
      expect.arrayContaining([
        { name: 'SCM_TAG', value: 'v1.0' },
        { name: 'SCM_REF', value: 'refs/tags/v1.0' },
        { name: 'SCM_EVENT', value: 'tag' },
        { name: 'SCM_REVISION', value: TAG_SHA },
      ]),
    );
    expect((run.parameters as { name: string }[]).map((p) => p.name)).not.toContain('SCM_BRANCH');
    expect(await runsOf('checks')).toHaveLength(1);
  });

  it('cancels the running run of a pull request when a newer commit arrives', async () => {
    const opened = await github_('pull_request', load('github-pull-request'));
    expect(opened.json.runs).toHaveLength(1);
    const firstId = opened.json.runs[0] as string;
    await waitFor(async () => (await db.workflowRun.findUnique({ where: { id: firstId } }))?.phase === 'RUNNING', {
      what: 'the first PR run to run',
    });
    const pending = await waitFor(async () => github.find('POST', `/api/v3/repos/${REPO}/statuses/${PR_SHA}`)[0], {
      what: 'the pending status of the running PR run',
    });
    expect(pending.body).toMatchObject({
      state: 'pending',
      description: 'Cyclone run #1 is running',
      context: 'cyclone/pr',
    });
    const newer = load('github-pull-request');
    newer.action = 'synchronize';
    newer.pull_request.head.sha = 'a'.repeat(40);
    github.on(`POST /api/v3/repos/${REPO}/statuses/${'a'.repeat(40)}`, { status: 201, body: {} });
    const synced = await github_('pull_request', newer);
    expect(synced.json.runs).toHaveLength(1);
    const first = await db.workflowRun.findUniqueOrThrow({ where: { id: firstId } });
    expect(first.stopRequestedAt).not.toBeNull();
    await waitFor(async () => (await db.workflowRun.findUnique({ where: { id: firstId } }))?.phase === 'CANCELLED', {
      what: 'the first PR run to be cancelled',
    });
    const second = await db.workflowRun.findUniqueOrThrow({ where: { id: synced.json.runs[0] as string } });
    expect(second.stopRequestedAt).toBeNull();
    expect(second.parameters).toEqual(
      expect.arrayContaining([
        { name: 'SCM_REVISION', value: 'a'.repeat(40) },
        { name: 'SCM_PR_NUMBER', value: '1347' },
        { name: 'SCM_EVENT', value: 'pull_request' },
        { name: 'SCM_PR_TARGET_BRANCH', value: 'main' },
      ]),
    );
    // The superseded run ends its commit's status as an error (cancelled).
    const runLink = (id: string) => `${PUBLIC_URL}/projects/web/workflows/pr/runs/${id}`;
    await waitFor(async () => statesOf(PR_SHA).length > 1, {
      what: "the cancelled run's final status",
    });
    expect(statesOf(PR_SHA)).toEqual([
      {
        state: 'pending',
        target_url: runLink(firstId),
        description: 'Cyclone run #1 is running',
        context: 'cyclone/pr',
      },
      {
        state: 'error',
        target_url: runLink(firstId),
        description: 'Cyclone run #1 was cancelled',
        context: 'cyclone/pr',
      },
    ]);
    // The newer commit's run finishes: its final status is posted after pending.
    const newerSha = 'a'.repeat(40);
    await waitFor(async () => statesOf(newerSha).length > 0, {
      what: 'the pending status of the newer PR run',
    });
    openGate('pr');
    await waitFor(async () => statesOf(newerSha).length > 1, {
      what: 'the final status of the newer PR run',
    });
    expect(statesOf(newerSha)).toEqual([
      {
        state: 'pending',
        target_url: runLink(second.id),
        description: 'Cyclone run #2 is running',
        context: 'cyclone/pr',
      },
      {
        state: 'success',
        target_url: runLink(second.id),
        description: 'Cyclone run #2 succeeded',
        context: 'cyclone/pr',
      },
    ]);
  });

  it('starts a run for an exact /retest comment at the head commit the server reports', async () => {
    const retest = await github_('issue_comment', load('github-issue-comment'));
    expect(retest.json.runs).toHaveLength(1);
    const run = await db.workflowRun.findUniqueOrThrow({ where: { id: retest.json.runs[0] as string } });
    expect(run.parameters).toEqual(expect.arrayContaining([{ name: 'SCM_REVISION', value: PR_SHA }]));
    expect(github.find('GET', `/api/v3/repos/${REPO}/pulls/1347`)).toHaveLength(1);
    const chatter = load('github-issue-comment');
    chatter.comment.body = 'LGTM, /retest later';
    expect((await github_('issue_comment', chatter)).json.runs).toEqual([]);
    await db.workflowRun.update({ where: { id: run.id }, data: { stopRequestedAt: new Date() } });
  });

  it('verifies GitLab tokens and Bitbucket HMAC signatures', async () => {
    const admin = await api.loginAsAdmin();
    const ids: Record<string, string> = {};
    for (const [name, type, server] of [
      ['gitlab', 'GITLAB', 'https://gitlab.example.com'],
      ['bitbucket', 'BITBUCKET', 'https://bitbucket.example.com'],
    ] as const) {
      const created = await api.graphql<{ createIntegration: { id: string } }>(
        CREATE_INTEGRATION,
        { input: { tenant: 'acme', name, type, config: { server }, secret: { webhookSecret: SECRET } } },
        admin,
      );
      ids[name] = created.data?.createIntegration.id as string;
    }
    for (const [integration, repo] of [
      ['gitlab', 'mike/diaspora'],
      ['bitbucket', 'PROJ/repository'],
    ]) {
      const result = await api.graphql(
        CREATE_TRIGGER,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            workflow: 'ci',
            name: `on-${integration}`,
            type: 'SCM',
            scm: { integration, repo, push: { branches: ['master'] } },
          },
        },
        roles.DEVELOPER,
      );
      expect(result.errors).toBeUndefined();
    }
    const gitlabBody = JSON.stringify(load('gitlab-push'));
    const gitlab = (token: string, id: string) =>
      deliver(ids.gitlab as string, gitlabBody, {
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': token,
        'x-gitlab-event-uuid': id,
      });
    expect((await gitlab('wrong', 'gl-1')).status).toBe(401);
    const accepted = await gitlab(SECRET, 'gl-2');
    expect(accepted.json.runs).toHaveLength(1);
    const bbBody = JSON.stringify(load('bitbucket-server-refs-changed'));
    const bitbucket = (signature: string) =>
      deliver(ids.bitbucket as string, bbBody, {
        'x-event-key': 'repo:refs_changed',
        'x-request-id': 'bb-1',
        'x-hub-signature': signature,
      });
    expect((await bitbucket(signBody(bbBody, 'nope'))).status).toBe(401);
    const bb = await bitbucket(signBody(bbBody, SECRET));
    // master matches; the tag does not (tagRelease off); the deleted branch is skipped.
    expect(bb.json.runs).toHaveLength(1);
    const bbRun = await db.workflowRun.findUniqueOrThrow({ where: { id: bb.json.runs[0] as string } });
    expect(bbRun.parameters).toEqual(
      expect.arrayContaining([{ name: 'SCM_REVISION', value: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc' }]),
    );
  });

  it("deduplicates GitLab deliveries without X-Gitlab-Event-UUID by the body's hash", async () => {
    const gitlab = await db.integration.findFirstOrThrow({ where: { name: 'gitlab' } });
    // Older GitLab sends no delivery id: a redelivery is the same body, a new push a new one.
    const send = (sha: string) =>
      deliver(gitlab.id, JSON.stringify({ ...load('gitlab-push'), after: sha, checkout_sha: sha }), {
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': SECRET,
      });
    const before = (await runsOf('ci')).length;
    const first = await send('e'.repeat(40));
    expect(first.json).toMatchObject({ outcome: 'ACCEPTED', runs: [expect.any(String)] });
    const again = await send('e'.repeat(40));
    expect(again.json).toMatchObject({ outcome: 'ACCEPTED', runs: first.json.runs, replayed: true });
    const other = await send('f'.repeat(40));
    expect(other.json.runs).toHaveLength(1);
    expect(other.json.replayed).toBeUndefined();
    expect(await runsOf('ci')).toHaveLength(before + 2);
    const recorded = await db.webhookDelivery.findFirstOrThrow({ where: { runIds: { has: first.json.runs[0] } } });
    expect(recorded.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('starts runs for Bitbucket Cloud deliveries signed with X-Hub-Signature, once per X-Request-UUID', async () => {
    const admin = await api.loginAsAdmin();
    const created = await api.graphql<{ createIntegration: { id: string } }>(
      CREATE_INTEGRATION,
      {
        input: {
          tenant: 'acme',
          name: 'bitbucket-cloud',
          type: 'BITBUCKET',
          config: { server: 'https://api.bitbucket.org/2.0' },
          secret: { webhookSecret: SECRET },
        },
      },
      admin,
    );
    const id = created.data?.createIntegration.id as string;
    const trigger = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          name: 'on-bitbucket-cloud',
          type: 'SCM',
          scm: { integration: 'bitbucket-cloud', repo: 'team_name/repo_name', push: { branches: ['name-of-branch'] } },
        },
      },
      roles.DEVELOPER,
    );
    expect(trigger.errors).toBeUndefined();
    const body = JSON.stringify(load('bitbucket-cloud-push'));
    const send = (signature: string) =>
      deliver(id, body, {
        'x-event-key': 'repo:push',
        'x-request-uuid': 'f3a8c7e2-0c4b-4e3e-9d3a-3b1f5c2a9e10',
        'x-hook-uuid': 'b6d1c8a0-8a4f-4d4e-9e8b-1f0e2d3c4b5a',
        'x-hub-signature': signature,
      });
    expect((await send(signBody(body, 'not-the-secret'))).status).toBe(401);
    const accepted = await send(signBody(body, SECRET));
    expect(accepted.status).toBe(200);
    expect(accepted.json.runs).toHaveLength(1);
    const run = await db.workflowRun.findUniqueOrThrow({ where: { id: accepted.json.runs[0] as string } });
    expect(run.parameters).toEqual(
      expect.arrayContaining([
        { name: 'SCM_REVISION', value: '709d658dc5b6d6afcd46049c2f332ee3f515a67d' },
        { name: 'SCM_BRANCH', value: 'name-of-branch' },
        { name: 'SCM_REPO', value: 'team_name/repo_name' },
      ]),
    );
    expect((await send(signBody(body, SECRET))).json).toMatchObject({ runs: accepted.json.runs, replayed: true });
    expect(await db.workflowRun.count({ where: { triggerId: run.triggerId } })).toBe(1);
  });

  it('starts runs for deliveries of the SVN post-commit hook, with the revision number as SCM_REVISION', async () => {
    const admin = await api.loginAsAdmin();
    const created = await api.graphql<{ createIntegration: { id: string } }>(
      CREATE_INTEGRATION,
      {
        input: {
          tenant: 'acme',
          name: 'svn',
          type: 'SVN',
          config: { server: 'svn://svn.example.com/repos' },
          secret: { webhookSecret: SECRET },
        },
      },
      admin,
    );
    const id = created.data?.createIntegration.id as string;
    const trigger = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          name: 'on-svn',
          type: 'SCM',
          scm: { integration: 'svn', repo: 'app', push: { branches: ['trunk'] } },
        },
      },
      roles.DEVELOPER,
    );
    expect(trigger.errors).toBeUndefined();
    // The body and headers the script of hook-scripts.ts sends (svn.provider.int.test.ts runs it).
    const commit = (revision: string, changed: string[]) => {
      const body = JSON.stringify({ repo: 'app', revision, changed });
      return deliver(id, body, {
        'x-cyclone-event': 'svn-commit',
        'x-cyclone-delivery': `0b2c4a1e-6f1d-4c55-8a2e-2f0c0a9d7e31-r${revision}`,
        'x-hub-signature-256': signBody(body, SECRET),
      });
    };
    const onTrunk = await commit('7', ['trunk/README', 'trunk/src/']);
    expect(onTrunk.json).toMatchObject({ outcome: 'ACCEPTED', runs: [expect.any(String)] });
    const run = await db.workflowRun.findUniqueOrThrow({ where: { id: onTrunk.json.runs[0] as string } });
    expect(run.parameters).toEqual(
      expect.arrayContaining([
        { name: 'SCM_REVISION', value: '7' },
        { name: 'SCM_REF', value: 'refs/heads/trunk' },
        { name: 'SCM_BRANCH', value: 'trunk' },
        { name: 'SCM_EVENT', value: 'push' },
      ]),
    );
    // A commit to another branch matches no trigger.
    expect((await commit('8', ['branches/feature/README'])).json).toMatchObject({ outcome: 'ACCEPTED', runs: [] });
    expect(await db.workflowRun.count({ where: { triggerId: run.triggerId } })).toBe(1);
  });

  it('removes the repository webhook with the last SCM trigger on the repository', async () => {
    const remove = (workflow: string, name: string) =>
      api.graphql(DELETE_TRIGGER, { input: { tenant: 'acme', project: 'web', workflow, name } }, roles.DEVELOPER);
    expect((await remove('ci', 'on-push')).errors).toBeUndefined();
    expect((await remove('checks', 'on-hotfix')).errors).toBeUndefined();
    expect(github.find('DELETE', `/api/v3/repos/${REPO}/hooks/12345678`)).toHaveLength(0);
    expect((await remove('pr', 'on-pr')).errors).toBeUndefined();
    expect(github.find('DELETE', `/api/v3/repos/${REPO}/hooks/12345678`)).toHaveLength(1);
    expect(await db.repositoryWebhook.count()).toBe(0);
  });

  it('starts runs of WEBHOOK triggers for developers signed in with a bearer token, once per delivery id', async () => {
    const created = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          name: 'hook',
          type: 'WEBHOOK',
          parameters: [{ name: 'ENV', value: 'staging' }],
        },
      },
      roles.DEVELOPER,
    );
    expect(created.errors).toBeUndefined();
    const trigger = await db.workflowTrigger.findFirstOrThrow({ where: { name: 'hook' } });
    const call = async (token: string | undefined, body: string, id?: string) => {
      const response = await fetch(`${api.url}/webhooks/triggers/${trigger.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(id ? { 'x-cyclone-delivery': id } : {}),
        },
        body,
      });
      return { status: response.status, json: (await response.json()) as { runs: string[]; replayed?: boolean } };
    };
    const body = JSON.stringify({ parameters: [{ name: 'ENV', value: 'prod' }] });
    expect((await call(undefined, body)).status).toBe(401);
    expect((await call('not-a-token', body)).status).toBe(401);
    expect((await call(roles.VIEWER, body)).status).toBe(403);
    expect((await call(roles.DEVELOPER, '{"parameters": 3}')).status).toBe(400);
    const started = await call(roles.DEVELOPER, body, 'deploy-1');
    expect(started.status).toBe(200);
    expect((await call(roles.DEVELOPER, body, 'deploy-1')).json).toMatchObject({
      runs: started.json.runs,
      replayed: true,
    });
    const run = await db.workflowRun.findUniqueOrThrow({ where: { id: started.json.runs[0] as string } });
    expect(run).toMatchObject({ trigger: 'WEBHOOK', triggerId: trigger.id });
    expect(run.parameters).toEqual([{ name: 'ENV', value: 'prod' }]);
    expect(await db.workflowRun.count({ where: { triggerId: trigger.id } })).toBe(1);
    const unknown = await fetch(`${api.url}/webhooks/triggers/00000000-0000-0000-0000-000000000000`, {
      method: 'POST',
      headers: { authorization: `Bearer ${roles.DEVELOPER}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('fails trigger creation with a clear error and writes nothing when the server cannot register the hook', async () => {
    const admin = await api.loginAsAdmin();
    const gone = await new LoopbackServer().start();
    await gone.stop();
    await api.graphql(
      CREATE_INTEGRATION,
      {
        input: {
          tenant: 'acme',
          name: 'github-down',
          type: 'GITHUB',
          config: { server: gone.url },
          secret: { token: 't', webhookSecret: SECRET },
        },
      },
      admin,
    );
    const result = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          name: 'down',
          type: 'SCM',
          scm: { integration: 'github-down', repo: REPO, push: { branches: ['main'] } },
        },
      },
      roles.DEVELOPER,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(
      /could not register the webhook on GITHUB for "octocat\/Hello-World".*ECONNREFUSED/,
    );
    expect(await db.workflowTrigger.count({ where: { name: 'down' } })).toBe(0);
    expect(await db.repositoryWebhook.count()).toBe(0);
  });

  it('removes a repository webhook left behind when a workflow is deleted with its triggers', async () => {
    github.on(`DELETE /api/v3/repos/${REPO}/hooks/12345679`, { status: 204 });
    const stages = [{ name: 'build', image: 'alpine', command: ['true'] }];
    const input = { tenant: 'acme', project: 'web', name: 'tmp', stages };
    expect((await api.graphql(CREATE_WORKFLOW, { input }, roles.DEVELOPER)).errors).toBeUndefined();
    const trigger = await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'tmp',
          name: 'on-push',
          type: 'SCM',
          scm: { integration: 'github', repo: REPO, push: { branches: [] } },
        },
      },
      roles.DEVELOPER,
    );
    expect(trigger.errors).toBeUndefined();
    expect(await db.repositoryWebhook.findMany({ select: { hookId: true } })).toEqual([{ hookId: '12345679' }]);
    const deleted = await api.graphql(
      'mutation($input: WorkflowRefInput!) { deleteWorkflow(input: $input) }',
      { input: { tenant: 'acme', project: 'web', name: 'tmp' } },
      roles.DEVELOPER,
    );
    expect(deleted.errors).toBeUndefined();
    await waitFor(async () => (await db.repositoryWebhook.count()) === 0, {
      what: 'the sweep to remove the unused hook',
    });
    expect(github.find('DELETE', `/api/v3/repos/${REPO}/hooks/12345679`)).toHaveLength(1);
  });
});
