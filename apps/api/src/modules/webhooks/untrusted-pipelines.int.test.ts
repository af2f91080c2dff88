// Untrusted pipelines as code, tried as an attacker would: a fork's pull request whose
// `.cyclone.yaml` reads a tenant secret, a pull request by someone who is not a
// member, and comment triggers typed by people without write access. Deliveries are
// the documentation-shaped payloads of ./fixtures, signed and posted to the real API;
// the GitHub API (contents, statuses, pull requests, collaborator permissions) is a
// loopback server answering with the examples in ../scm/fixtures/github.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';
import { fixture } from '../scm/testing/fixtures.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { signBody } from './verify-signature.js';

const SECRET = 'hook-s3cret';
const REPO = 'octocat/Hello-World';
const DEPLOY_TOKEN = 'prod-deploy-token-4f1a';
const FORK_SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const PR_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const CREATE_TRIGGER =
  'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name } }';
const APPROVE = 'mutation($id: ID!) { approveWorkflowRun(id: $id) { id phase approvalRequest { isApproved } } }';
const RUN = `query($id: ID!) { workflowRun(id: $id) {
  phase message
  approvalRequest { reason isApproved approvedAt approvedBy { email } }
  stages { name phase attempt }
} }`;

// The fork's pipeline: its one stage succeeds only when it was given the tenant's deploy token.
const PIPELINE = `---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: leak}
spec:
  pod:
    spec:
      containers:
        - name: main
          image: alpine
          env:
            - {name: TOKEN, value: "\${secrets.deploy.token}"}
          command: [sh, -c, 'test "$TOKEN" = ${DEPLOY_TOKEN}']
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: pr}
spec:
  stages:
    - name: leak
`;

const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));

type RunView = {
  phase: string;
  message: string;
  approvalRequest: {
    reason: string;
    isApproved: boolean;
    approvedAt: string | null;
    approvedBy: { email: string } | null;
  } | null;
  stages: { name: string; phase: string; attempt: number }[];
};

describe('untrusted pipelines as code', () => {
  let api: TestApi;
  let db: Db;
  let github: LoopbackServer;
  let githubId: string;
  let gitlabId: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let deliveries = 0;

  async function post(integrationId: string, body: string, headers: Record<string, string>) {
    const response = await fetch(`${api.url}/webhooks/${integrationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return {
      status: response.status,
      json: (await response.json()) as { outcome: string; reason: string; runs: string[] },
    };
  }

  function fromGitHub(event: string, payload: unknown) {
    const body = JSON.stringify(payload);
    return post(githubId, body, {
      'x-github-event': event,
      'x-github-delivery': `untrusted-${++deliveries}`,
      'x-hub-signature-256': signBody(body, SECRET),
    });
  }

  function fromGitLab(event: string, payload: unknown) {
    return post(gitlabId, JSON.stringify(payload), {
      'x-gitlab-event': event,
      'x-gitlab-token': SECRET,
      'x-gitlab-event-uuid': `untrusted-${++deliveries}`,
    });
  }

  async function readRun(id: string, token = roles.VIEWER): Promise<RunView> {
    const result = await api.graphql<{ workflowRun: RunView }>(RUN, { id }, token);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.workflowRun;
  }

  const statusesOf = (sha: string) =>
    github
      .find('POST', `/api/v3/repos/${REPO}/statuses/${sha}`)
      .map((r) => r.body as { state: string; description: string });

  const comment = (login: string, association: string, body = '/retest') => {
    const payload = load('github-issue-comment');
    payload.comment.user = { login, id: 100 };
    payload.comment.author_association = association;
    payload.comment.body = body;
    payload.sender = { login, id: 100 };
    return payload;
  };

  beforeAll(async () => {
    github = await new LoopbackServer().start();
    const file = {
      type: 'file',
      encoding: 'base64',
      size: PIPELINE.length,
      name: '.cyclone.yaml',
      path: '.cyclone.yaml',
      content: Buffer.from(PIPELINE).toString('base64'),
    };
    github
      .on(`POST /api/v3/repos/${REPO}/hooks`, { status: 201, body: fixture('github', 'create-hook') })
      .on(`GET /api/v3/repos/${REPO}/contents/.cyclone.yaml?ref=${FORK_SHA}`, { body: file })
      .on(`GET /api/v3/repos/${REPO}/contents/.cyclone.yaml?ref=${PR_SHA}`, { body: file })
      .on(`GET /api/v3/repos/${REPO}/pulls/1347`, { body: fixture('github', 'pull-request') })
      .on(`POST /api/v3/repos/${REPO}/statuses/${FORK_SHA}`, { status: 201, body: fixture('github', 'create-status') })
      .on(`POST /api/v3/repos/${REPO}/statuses/${PR_SHA}`, { status: 201, body: fixture('github', 'create-status') })
      .on(`GET /api/v3/repos/${REPO}/collaborators/octocat/permission`, {
        body: fixture('github', 'collaborator-permission'),
      })
      // A member of the organization who may only read this repository.
      .on(`GET /api/v3/repos/${REPO}/collaborators/hubot/permission`, {
        body: { permission: 'read', role_name: 'read', user: { login: 'hubot', id: 2 } },
      });
    // Passes every second, so "nothing started" is seen over several of them.
    api = await startTestApi({ CYCLONE_CONTROLLER_RESYNC: '1s' });
    db = createPrismaClient(api.databaseUrl);
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    const integration = async (name: string, type: string, config: object, secret: object) => {
      const created = await api.graphql<{ createIntegration: { id: string } }>(
        CREATE_INTEGRATION,
        { input: { tenant: 'acme', name, type, config, secret } },
        admin,
      );
      if (!created.data) throw new Error(JSON.stringify(created.errors));
      return created.data.createIntegration.id;
    };
    githubId = await integration(
      'github',
      'GITHUB',
      { server: github.url },
      { token: 'ghp_test', webhookSecret: SECRET },
    );
    // Without a token: Cyclone cannot ask GitLab about access, so only the allow list counts.
    gitlabId = await integration(
      'gitlab',
      'GITLAB',
      { server: 'https://gitlab.example.com' },
      { webhookSecret: SECRET },
    );
    await integration('deploy', 'GENERAL', {}, { token: DEPLOY_TOKEN });
    for (const name of ['pr', 'mr']) {
      const created = await api.graphql(
        CREATE_WORKFLOW,
        {
          input: {
            tenant: 'acme',
            project: 'web',
            name,
            stages: [{ name: 'leak', image: 'alpine', command: ['sh', '-c', 'true'] }],
          },
        },
        roles.DEVELOPER,
      );
      expect(created.errors).toBeUndefined();
    }
    const triggers = [
      {
        workflow: 'pr',
        name: 'on-pr',
        scm: {
          integration: 'github',
          repo: REPO,
          pullRequest: { branches: ['main'] },
          pullRequestComment: { comments: ['/retest'], users: ['Friendly-Bot'] },
          workflowFromRevision: true,
        },
      },
      {
        workflow: 'mr',
        name: 'on-mr',
        scm: {
          integration: 'gitlab',
          repo: 'gitlabhq/gitlab-test',
          pullRequest: { branches: ['master'] },
          pullRequestComment: { comments: ['/retest'] },
        },
      },
    ];
    for (const trigger of triggers) {
      const created = await api.graphql(
        CREATE_TRIGGER,
        { input: { tenant: 'acme', project: 'web', type: 'SCM', ...trigger } },
        roles.DEVELOPER,
      );
      expect(created.errors).toBeUndefined();
    }
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await github?.stop();
  });

  it("a fork's pull request gets no secret: its run waits for a member, starts nothing, and the commit status says so", async () => {
    const delivered = await fromGitHub('pull_request', load('github-pull-request-fork'));
    expect(delivered.status).toBe(200);
    expect(delivered.json.outcome).toBe('ACCEPTED');
    expect(delivered.json.reason).toBe("started 1 run(s), 1 waiting for a member's approval");
    const [runId] = delivered.json.runs as [string];
    const reason = 'pull request #1348 by mallory comes from the fork mallory/Hello-World';

    const pending = await waitFor(() => statusesOf(FORK_SHA)[0], { what: 'the pending commit status' });
    expect(pending).toMatchObject({
      state: 'pending',
      description: "Cyclone run #1 is waiting for a member's approval",
    });
    // Several controller passes later nothing has started and no secret was opened.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await readRun(runId)).toEqual({
      phase: 'WAITING',
      message: `waiting for approval: ${reason}`,
      approvalRequest: { reason, isApproved: false, approvedAt: null, approvedBy: null },
      stages: [{ name: 'leak', phase: 'PENDING', attempt: 0 }],
    });
    const stored = await db.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    expect([stored.admittedAt, stored.startedAt]).toEqual([null, null]);
    expect(await db.logLine.count({ where: { runId } })).toBe(0);

    // A VIEWER cannot let it run; a DEVELOPER can.
    const refused = await api.graphql(APPROVE, { id: runId }, roles.VIEWER);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await readRun(runId)).approvalRequest?.isApproved).toBe(false);
    const approved = await api.graphql(APPROVE, { id: runId }, roles.DEVELOPER);
    expect(approved.errors).toBeUndefined();

    // Approved, it runs the fork's stage with the tenant's secret (the stage checks it got it).
    const ended = await waitFor(() => readRun(runId), {
      until: (run) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.phase),
      what: 'the approved run to end',
    });
    expect(ended.phase).toBe('SUCCEEDED');
    expect(ended.approvalRequest).toMatchObject({
      reason,
      isApproved: true,
      approvedBy: { email: 'developer@acme.test' },
    });
    await waitFor(() => statusesOf(FORK_SHA).some((s) => s.state === 'success'), { what: 'the final status' });
    const states = statusesOf(FORK_SHA).map((s) => `${s.state}: ${s.description}`);
    expect(states[0]).toBe("pending: Cyclone run #1 is waiting for a member's approval");
    expect(states.at(-1)).toBe('success: Cyclone run #1 succeeded');
    expect(states.filter((s) => s.includes('waiting'))).toHaveLength(1);
    // Approving again changes nothing.
    expect((await api.graphql(APPROVE, { id: runId }, roles.DEVELOPER)).errors).toBeUndefined();
  }, 60_000);

  it('a pull request from the same repository waits when its author is not a member, and starts at once when they are', async () => {
    const outsider = load('github-pull-request');
    outsider.pull_request.author_association = 'CONTRIBUTOR';
    outsider.pull_request.user = { login: 'eve', id: 7 };
    const held = await fromGitHub('pull_request', outsider);
    const heldRun = await readRun(held.json.runs[0] as string);
    expect(heldRun).toMatchObject({
      phase: 'WAITING',
      approvalRequest: { reason: `pull request #1347 by eve, who is not a member of ${REPO} (CONTRIBUTOR)` },
    });

    const member = load('github-pull-request');
    member.action = 'synchronize';
    const started = await fromGitHub('pull_request', member);
    expect(started.json.reason).toBe('started 1 run(s)');
    const run = await waitFor(() => readRun(started.json.runs[0] as string), {
      until: (r) => r.phase === 'SUCCEEDED' || r.phase === 'FAILED',
      what: "the member's run to end",
    });
    expect(run).toMatchObject({ phase: 'SUCCEEDED', approvalRequest: null });
    // A run that needs no approval cannot be approved.
    const needless = await api.graphql(APPROVE, { id: started.json.runs[0] }, roles.DEVELOPER);
    expect(needless.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  }, 60_000);

  it('a comment starts a run only for someone with write access or on the allow list', async () => {
    const permissionAsked = (login: string) =>
      github.find('GET', `/api/v3/repos/${REPO}/collaborators/${login}/permission`).length;
    const runsBefore = await db.workflowRun.count();

    // No standing in the repository at all: refused without asking GitHub.
    const stranger = await fromGitHub('issue_comment', comment('mallory', 'NONE'));
    expect(stranger.json).toMatchObject({ outcome: 'ACCEPTED', runs: [] });
    expect(stranger.json.reason).toContain(
      `the comment by "mallory" counts only from someone with write access to ${REPO} or on the trigger's pullRequestComment.users`,
    );
    expect(permissionAsked('mallory')).toBe(0);

    // An organization member who may only read: GitHub is asked, and says no.
    const reader = await fromGitHub('issue_comment', comment('hubot', 'MEMBER'));
    expect(reader.json.runs).toEqual([]);
    expect(permissionAsked('hubot')).toBe(1);
    expect(await db.workflowRun.count()).toBe(runsBefore);

    // On the trigger's allow list (names compare without case), and an admin of the repository.
    const listed = await fromGitHub('issue_comment', comment('friendly-bot', 'NONE'));
    expect(listed.json.runs).toHaveLength(1);
    const owner = await fromGitHub('issue_comment', comment('octocat', 'OWNER'));
    expect(owner.json.runs).toHaveLength(1);
    expect(permissionAsked('octocat')).toBe(1);
    for (const id of [...listed.json.runs, ...owner.json.runs]) {
      // The commenter vouches for the run: it needs no further approval.
      expect((await readRun(id)).approvalRequest).toBeNull();
    }
  }, 60_000);

  it('GitLab: a merge request from a fork waits, and a retry of it waits again; a note without a token counts only from the allow list', async () => {
    const fork = await fromGitLab('Merge Request Hook', load('gitlab-merge-request-fork'));
    const [forkRun] = fork.json.runs as [string];
    expect(await readRun(forkRun)).toMatchObject({
      phase: 'WAITING',
      approvalRequest: { reason: 'pull request #2 by mallory comes from the fork mallory/gitlab-test' },
    });
    const same = await fromGitLab('Merge Request Hook', load('gitlab-merge-request'));
    expect(same.json.reason).toBe('started 1 run(s)');
    expect((await readRun(same.json.runs[0] as string)).approvalRequest).toBeNull();

    // Stopped before anyone approved it, then retried: the retry runs the same untrusted code, so it waits too.
    await api.graphql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id: forkRun }, roles.DEVELOPER);
    await waitFor(async () => (await readRun(forkRun)).phase === 'CANCELLED', {
      what: 'the waiting run to be cancelled',
    });
    expect((await readRun(forkRun)).stages).toEqual([{ name: 'leak', phase: 'CANCELLED', attempt: 0 }]);
    const retried = await api.graphql<{ retryWorkflowRun: { id: string } }>(
      'mutation($id: ID!) { retryWorkflowRun(id: $id) { id } }',
      { id: forkRun },
      roles.DEVELOPER,
    );
    const retry = await readRun(retried.data?.retryWorkflowRun.id as string);
    expect(retry).toMatchObject({ phase: 'WAITING', approvalRequest: { isApproved: false } });

    const note = await fromGitLab('Note Hook', load('gitlab-note'));
    expect(note.json.runs).toEqual([]);
    expect(note.json.reason).toContain('the comment by "root" counts only from someone with write access');
  }, 60_000);
});
