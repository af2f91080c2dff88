// simulateTrigger and replayWebhookDelivery through the real API. The GitHub API that
// hook registration and the commenter's write access are asked of is a loopback server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { fixture } from '../scm/testing/fixtures.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { STRIPPED } from './delivery-payload.js';
import { signBody } from './verify-signature.js';

const SECRET = 'hook-s3cret';
const REPO = 'octocat/Hello-World';
const EXPLANATION = '{ trigger { name } wouldStart reason }';
const SIMULATE = `query($input: SimulateTriggerInput!) { simulateTrigger(input: $input) ${EXPLANATION} }`;
const SIMULATE_MUTATION = `mutation($input: SimulateTriggerInput!) { simulateTrigger(input: $input) ${EXPLANATION} }`;
const REPLAY = `mutation($id: ID!, $dryRun: Boolean) { replayWebhookDelivery(id: $id, dryRun: $dryRun) ${EXPLANATION} }`;

interface Explanation {
  trigger: { name: string };
  wouldStart: boolean;
  reason: string;
}

describe('simulateTrigger and replayWebhookDelivery', () => {
  let api: TestApi;
  let db: Db;
  let github: LoopbackServer;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: string;
  let integrationId: string;

  const byName = (rows: Explanation[] | undefined) =>
    Object.fromEntries((rows ?? []).map((r) => [r.trigger.name, { wouldStart: r.wouldStart, reason: r.reason }]));

  async function simulate(input: Record<string, unknown>, token = roles.DEVELOPER, query = SIMULATE) {
    const result = await api.graphql<{ simulateTrigger: Explanation[] }>(
      query,
      { input: { tenant: 'acme', integration: 'github', repository: REPO, ...input } },
      token,
    );
    return { errors: result.errors, verdicts: byName(result.data?.simulateTrigger) };
  }

  async function deliverPush(payload: Record<string, unknown>, id: string) {
    const body = JSON.stringify(payload);
    const response = await fetch(`${api.url}/webhooks/${integrationId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': id,
        'x-hub-signature-256': signBody(body, SECRET),
      },
      body,
    });
    return response.json() as Promise<{ outcome: string; runs: string[] }>;
  }

  const runsOf = (workflow: string) => db.workflowRun.count({ where: { workflow: { name: workflow } } });

  beforeAll(async () => {
    github = await new LoopbackServer().start();
    github
      .on(`POST /api/v3/repos/${REPO}/hooks`, {
        status: 201,
        body: { ...(fixture('github', 'create-hook') as object), id: 1 },
      })
      .on(`GET /api/v3/repos/${REPO}/collaborators/octocat/permission`, {
        body: fixture('github', 'collaborator-permission'),
      })
      .on(`POST /api/v3/repos/${REPO}/statuses/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c`, { status: 201, body: {} })
      .on(`GET /api/v3/repos/${REPO}/collaborators/stranger/permission`, {
        body: { permission: 'read', role_name: 'read' },
      });
    api = await startTestApi();
    db = createPrismaClient(api.databaseUrl);
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['ADMIN', 'DEVELOPER', 'VIEWER'] });
    outsider = (await seedTenant(api, admin, 'other', { projects: ['x'], roles: ['OWNER'] })).OWNER;
    const must = async (query: string, variables: Record<string, unknown>) => {
      const result = await api.graphql<Record<string, { id?: string }>>(query, variables, admin);
      expect(result.errors).toBeUndefined();
      return result.data;
    };
    const created = await must(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      {
        input: {
          tenant: 'acme',
          name: 'github',
          type: 'GITHUB',
          config: { server: github.url },
          secret: { token: 'ghp_test', webhookSecret: SECRET },
        },
      },
    );
    integrationId = created?.createIntegration?.id as string;
    for (const name of ['ci', 'pr', 'nightly']) {
      await must('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
        input: {
          tenant: 'acme',
          project: 'web',
          name,
          stages: [{ name: 'build', image: 'alpine', command: ['true'] }],
        },
      });
    }
    const trigger = (workflow: string, name: string, rest: Record<string, unknown>) =>
      must('mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name } }', {
        input: { tenant: 'acme', project: 'web', workflow, name, ...rest },
      });
    await trigger('ci', 'on-push', {
      type: 'SCM',
      scm: { integration: 'github', repo: REPO, push: { branches: ['main', 'release/*'] }, tagRelease: true },
    });
    await trigger('pr', 'on-pr', {
      type: 'SCM',
      scm: {
        integration: 'github',
        repo: REPO,
        pullRequest: { branches: ['main'] },
        pullRequestComment: { comments: ['/retest'] },
      },
    });
    await trigger('nightly', 'at-night', { type: 'CRON', cron: '0 2 * * *' });
  }, 180_000);

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await github?.stop();
  });

  it('says for every trigger of the tenant whether a push would start it, and why', async () => {
    const feature = await simulate({ event: 'PUSH', branch: 'feature/x' });
    expect(feature.errors).toBeUndefined();
    expect(feature.verdicts).toEqual({
      'on-push': { wouldStart: false, reason: 'branch feature/x does not match main, release/*' },
      'on-pr': { wouldStart: false, reason: 'the trigger does not start on pushes' },
      'at-night': { wouldStart: false, reason: 'a CRON trigger does not start on repository events' },
    });
    const release = await simulate({ event: 'PUSH', branch: 'release/2.0' });
    expect(release.verdicts['on-push']).toEqual({
      wouldStart: true,
      reason: 'branch release/2.0 matches main, release/*',
    });
    const elsewhere = await simulate({ event: 'PUSH', branch: 'main', repository: 'octocat/Spoon-Knife' });
    expect(elsewhere.verdicts['on-push']).toEqual({
      wouldStart: false,
      reason: `repository octocat/Spoon-Knife is not ${REPO}`,
    });
    // The same as a mutation, for clients that send it as one.
    const tag = await simulate({ event: 'TAG', tag: 'v1.0.0' }, roles.DEVELOPER, SIMULATE_MUTATION);
    expect(tag.verdicts['on-push']?.wouldStart).toBe(true);
    expect(tag.verdicts['on-pr']).toEqual({ wouldStart: false, reason: 'the trigger does not start on tags' });
    // Simulating starts nothing.
    expect(await runsOf('ci')).toBe(0);
  });

  it('explains pull requests and comments, asking the server about the author', async () => {
    const pr = await simulate({ event: 'PULL_REQUEST', branch: 'develop', author: 'octocat' });
    expect(pr.verdicts['on-pr']).toEqual({ wouldStart: false, reason: 'target branch develop does not match main' });
    const member = await simulate({ event: 'COMMENT', branch: 'main', comment: '/retest', author: 'octocat' });
    expect(member.verdicts['on-pr']).toEqual({ wouldStart: true, reason: 'comment "/retest" matches' });
    const stranger = await simulate({ event: 'COMMENT', branch: 'main', comment: '/retest', author: 'stranger' });
    expect(stranger.verdicts['on-pr']?.wouldStart).toBe(false);
    expect(stranger.verdicts['on-pr']?.reason).toMatch(/^author stranger is not a member/);
    const other = await simulate({ event: 'COMMENT', branch: 'main', comment: 'lgtm', author: 'octocat' });
    expect(other.verdicts['on-pr']).toEqual({ wouldStart: false, reason: 'comment "lgtm" is not one of "/retest"' });
  });

  it('refuses incomplete events, callers without the role, and other tenants', async () => {
    const noBranch = await simulate({ event: 'PUSH' });
    expect(noBranch.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(noBranch.errors?.[0]?.message).toContain('branch');
    const viewer = await simulate({ event: 'PUSH', branch: 'main' }, roles.VIEWER);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreign = await simulate({ event: 'PUSH', branch: 'main' }, outsider);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await simulate({ event: 'PUSH', branch: 'main', integration: 'gitlab' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps a verified payload without its secrets, and replays it dry or for real', async () => {
    const payload = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'github-push.json'), 'utf8'));
    payload.repository.clone_url = 'https://deploy:hunter2@github.example.com/octocat/Hello-World.git';
    payload.installation_token = 'ghs_abcdefghijklmnopqrstuvwxyz0123';
    payload.head_commit.message = 'rotate ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const first = await deliverPush(payload, 'push-1');
    expect(first).toMatchObject({ outcome: 'ACCEPTED' });
    expect(first.runs).toHaveLength(1);
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { deliveryId: 'push-1' } });
    const kept = row.payload as typeof payload;
    expect(kept.ref).toBe('refs/heads/main');
    expect(kept.installation_token).toBe(STRIPPED);
    expect(kept.repository.clone_url).toBe(`https://${STRIPPED}@github.example.com/octocat/Hello-World.git`);
    expect(kept.head_commit.message).toBe(`rotate ${STRIPPED}`);
    expect(JSON.stringify(kept)).not.toMatch(/hunter2|ghs_abc|ghp_abc/);

    const dry = await api.graphql<{ replayWebhookDelivery: Explanation[] }>(
      REPLAY,
      { id: row.id, dryRun: true },
      roles.ADMIN,
    );
    expect(dry.errors).toBeUndefined();
    expect(byName(dry.data?.replayWebhookDelivery)).toEqual({
      'on-push': { wouldStart: true, reason: 'branch main matches main, release/*' },
      'on-pr': { wouldStart: false, reason: 'the trigger does not start on pushes' },
      'at-night': { wouldStart: false, reason: 'a CRON trigger does not start on repository events' },
    });
    expect(await runsOf('ci')).toBe(1);

    const real = await api.graphql<{ replayWebhookDelivery: Explanation[] }>(REPLAY, { id: row.id }, roles.ADMIN);
    expect(real.errors).toBeUndefined();
    expect(await runsOf('ci')).toBe(2);
    const replayed = await db.webhookDelivery.findMany({ where: { deliveryId: { startsWith: `replay:${row.id}:` } } });
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.runIds).toHaveLength(1);
  });

  it('replays only for tenant ADMINs and only deliveries with a kept payload', async () => {
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { deliveryId: 'push-1' } });
    const developer = await api.graphql(REPLAY, { id: row.id, dryRun: true }, roles.DEVELOPER);
    expect(developer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreign = await api.graphql(REPLAY, { id: row.id, dryRun: true }, outsider);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const missing = await api.graphql(REPLAY, { id: '00000000-0000-0000-0000-000000000000' }, roles.ADMIN);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forged = await fetch(`${api.url}/webhooks/${integrationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    const rejected = await db.webhookDelivery.findFirstOrThrow({ where: { outcome: 'REJECTED' } });
    expect(rejected.payload).toBeNull();
    const refused = await api.graphql(REPLAY, { id: rejected.id, dryRun: true }, roles.ADMIN);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('rejected');
  });
});
