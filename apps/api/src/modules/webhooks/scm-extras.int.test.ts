// The GitHub API is the loopback stand-in of ../scm/testing answering with the
// documentation examples in ../scm/fixtures/github (see github.provider.int.test.ts
// for the pages they come from).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { runWorkflow } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { fixture } from '../scm/testing/fixtures.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { pruneRejected } from './delivery-records.js';
import { signBody } from './verify-signature.js';

const SECRET = 'hook-s3cret';
const REPO = 'octocat/Hello-World';
const PUSH_SHA = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';

const manifests = (repo: string) => `---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    spec:
      containers:
        - {name: main, image: alpine, command: [sh, -c, "true"]}
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
  stages:
    - name: build
---
apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata: {name: on-push}
spec:
  type: SCM
  workflowRef: {name: ci}
  scm:
    secret: github
    repo: ${repo}
    push: {branches: [main]}
    workflowFromRevision: true
`;

describe('SCM follow-ups: applyManifests hooks, deliveries, repositories, run triggers', () => {
  let api: TestApi;
  let db: Db;
  let github: LoopbackServer;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let other: Awaited<ReturnType<typeof seedTenant>>;
  let githubId: string;

  beforeAll(async () => {
    github = await new LoopbackServer().start();
    github
      .on(`POST /api/v3/repos/${REPO}/hooks`, { status: 201, body: fixture('github', 'create-hook') })
      .on('GET /api/v3/user/repos', { body: fixture('github', 'list-repos') })
      .on(`GET /api/v3/repos/${REPO}/branches`, { body: fixture('github', 'list-branches') })
      .on(`POST /api/v3/repos/${REPO}/statuses/${PUSH_SHA}`, { status: 201, body: fixture('github', 'create-status') });
    api = await startTestApi({ CYCLONE_PUBLIC_URL: 'https://cyclone.example.com', CYCLONE_ROLE: 'server' });
    db = createPrismaClient(api.databaseUrl);
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['ADMIN', 'DEVELOPER', 'VIEWER'] });
    other = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    const created = await api.graphql<{ createIntegration: { id: string } }>(
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
      admin,
    );
    githubId = created.data?.createIntegration.id as string;
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await github?.stop();
  });

  it('applyManifests registers the repository webhook of an SCM trigger it creates, once', async () => {
    const first = await api.graphql<{ applyManifests: { kind: string; action: string }[] }>(
      APPLY,
      { input: { tenant: 'acme', project: 'web', yaml: manifests(REPO) } },
      roles.DEVELOPER,
    );
    expect(first.errors).toBeUndefined();
    expect(github.find('POST', `/api/v3/repos/${REPO}/hooks`)).toHaveLength(1);
    const hooks = await db.repositoryWebhook.findMany({ where: { integrationId: githubId } });
    expect(hooks.map((h) => h.repo)).toEqual([REPO]);
    // Applying again reuses the hook.
    await api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml: manifests(REPO) } }, roles.DEVELOPER);
    expect(github.find('POST', `/api/v3/repos/${REPO}/hooks`)).toHaveLength(1);
    const trigger = await api.graphql<{ workflow: { triggers: { scm: { workflowFromRevision: boolean } }[] } }>(
      'query { workflow(tenant: "acme", project: "web", name: "ci") { triggers { scm { workflowFromRevision } } yaml } }',
      {},
      roles.DEVELOPER,
    );
    expect(trigger.data?.workflow.triggers[0]?.scm.workflowFromRevision).toBe(true);
  });

  it('fails the whole apply, naming the document field, when the server refuses the hook', async () => {
    const before = await db.workflowTrigger.count();
    const result = await api.graphql(
      APPLY,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          yaml: manifests('octocat/missing').replace('ci}', 'ci2}').replace('name: ci\n', 'name: ci2\n'),
        },
      },
      roles.DEVELOPER,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'documents[2].spec.scm.repo',
    });
    expect(await db.workflowTrigger.count()).toBe(before);
    expect(await db.workflow.count({ where: { name: 'ci2' } })).toBe(0);
  });

  it('shows recent deliveries to tenant ADMINs, with the runs they started and the run trigger', async () => {
    const body = JSON.stringify({ ...load(), after: PUSH_SHA });
    function load() {
      return { ref: 'refs/heads/main', before: '0'.repeat(40), deleted: false, repository: { full_name: REPO } };
    }
    const send = (signature: string) =>
      fetch(`${api.url}/webhooks/${githubId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': 'd-1',
          'x-hub-signature-256': signature,
        },
        body,
      });
    expect((await send(signBody(body, 'wrong'))).status).toBe(401);
    // The trigger takes its workflow from the revision: the contents API has no file, so no run.
    expect((await send(signBody(body, SECRET))).status).toBe(200);
    const query = `query { integration(tenant: "acme", name: "github") {
      webhookDeliveries(first: 10) { event outcome status reason receivedAt runs { number trigger triggerName } } } }`;
    const seen = await api.graphql<{
      integration: { webhookDeliveries: { outcome: string; status: number; reason: string; runs: unknown[] }[] };
    }>(query, {}, roles.ADMIN);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.integration.webhookDeliveries.map((d) => [d.outcome, d.status])).toEqual([
      ['ACCEPTED', 200],
      ['REJECTED', 401],
    ]);
    expect(seen.data?.integration.webhookDeliveries[0]?.reason).toContain('.cyclone.yaml does not exist');
    const dev = await api.graphql(query, {}, roles.DEVELOPER);
    expect(dev.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Turn the trigger into a stored-workflow one: the next push runs it.
    await api.graphql(
      APPLY,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          yaml: manifests(REPO).replace('    workflowFromRevision: true\n', ''),
        },
      },
      roles.DEVELOPER,
    );
    const again = JSON.stringify({ ...load(), after: PUSH_SHA });
    const res = await fetch(`${api.url}/webhooks/${githubId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-2',
        'x-hub-signature-256': signBody(again, SECRET),
      },
      body: again,
    });
    expect(res.status).toBe(200);
    const runs = await api.graphql<{
      integration: { webhookDeliveries: { runs: { number: number; trigger: string; triggerName: string }[] }[] };
    }>(query, {}, roles.ADMIN);
    expect(runs.data?.integration.webhookDeliveries[0]?.runs).toEqual([
      { number: 1, trigger: 'SCM', triggerName: 'on-push' },
    ]);
    const manual = await runWorkflow(api, roles.DEVELOPER, { tenant: 'acme', project: 'web', workflow: 'ci' });
    expect(manual).toMatchObject({ trigger: 'MANUAL', triggerName: null });
  });

  it('lists repositories and branches through the provider for members, not for other tenants', async () => {
    const query = `query { integration(tenant: "acme", name: "github") {
      scmRepositories(first: 10) { name defaultBranch } scmBranches(repo: "${REPO}") { name revision } } }`;
    const seen = await api.graphql<{
      integration: { scmRepositories: { name: string }[]; scmBranches: { name: string; revision: string }[] };
    }>(query, {}, roles.VIEWER);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.integration.scmRepositories).toEqual([{ name: REPO, defaultBranch: 'master' }]);
    expect(seen.data?.integration.scmBranches).toEqual([
      { name: 'master', revision: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc' },
    ]);
    const bad = await api.graphql(
      'query { integration(tenant: "acme", name: "github") { scmBranches(repo: " ") { name } } }',
      {},
      roles.VIEWER,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'repo' });
    const stranger = await api.graphql(query, {}, other.OWNER);
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('shows the webhook path on SCM and WEBHOOK triggers', async () => {
    const created = await api.graphql<{ createWorkflowTrigger: { id: string; webhookUrl: string } }>(
      'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { id webhookUrl } }',
      { input: { tenant: 'acme', project: 'web', workflow: 'ci', name: 'hook', type: 'WEBHOOK' } },
      roles.DEVELOPER,
    );
    expect(created.errors).toBeUndefined();
    const { id, webhookUrl } = created.data?.createWorkflowTrigger ?? { id: '', webhookUrl: '' };
    expect(webhookUrl).toBe(`/webhooks/triggers/${id}`);
    const scm = await api.graphql<{ workflow: { triggers: { name: string; webhookUrl: string }[] } }>(
      'query { workflow(tenant: "acme", project: "web", name: "ci") { triggers { name webhookUrl } } }',
      {},
      roles.VIEWER,
    );
    expect(scm.data?.workflow.triggers.find((t) => t.name === 'on-push')?.webhookUrl).toBe(`/webhooks/${githubId}`);
  });

  it('keeps only the newest rejected deliveries of an integration', async () => {
    for (let i = 0; i < 4; i++) {
      await db.webhookDelivery.create({
        data: { integrationId: githubId, outcome: 'REJECTED', statusCode: 401, reason: `forged ${i}`, runIds: [] },
      });
    }
    const accepted = await db.webhookDelivery.count({ where: { integrationId: githubId, outcome: 'ACCEPTED' } });
    await pruneRejected(db, { integrationId: githubId }, 2);
    expect(await db.webhookDelivery.count({ where: { integrationId: githubId, outcome: 'REJECTED' } })).toBe(2);
    expect(await db.webhookDelivery.count({ where: { integrationId: githubId, outcome: 'ACCEPTED' } })).toBe(accepted);
  });
});
