import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationReconciler } from '../../controller/notification-reconciler.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { runWorkflow } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { SecretBox } from '../integrations/secret-box.js';
import { startSmtpServer } from './testing/smtp-server.js';

const SET = `mutation($input: SetWorkflowNotificationsInput!) {
  setWorkflowNotifications(input: $input) { policy updatedAt receivers { name type url to integration hasSecret } }
}`;
const RUN_NOTIFICATIONS =
  'query($id: ID!) { workflowRun(id: $id) { notifications { receiver type outcome statusCode error attempts deliveredAt } } }';
const HOOK_SECRET = 'hook-signing-secret';
const KEY = randomBytes(32).toString('base64');

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * The API serves GraphQL only; runs are finished by writing their rows, and the test
 * drives NotificationReconciler instances (one per "controller process") with a fake
 * clock. Receivers are loopback servers: a webhook receiver, a Slack-shaped one, one
 * that fails once with 500 and one that answers 404, and a tiny SMTP server.
 */
describe('run notifications', () => {
  let api: TestApi;
  let db: Db;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let flakyCalls = 0;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const clock = { now: new Date() };
  const clients: Db[] = [];
  const box = new SecretBox(Buffer.from(KEY, 'base64'));
  const on = (input: Record<string, unknown>) => ({
    input: { tenant: 'acme', project: 'web', workflow: 'ci', ...input },
  });

  function reconciler(): NotificationReconciler {
    const client = createPrismaClient(api.databaseUrl);
    clients.push(client);
    return new NotificationReconciler({
      db: client,
      logger: pino({ level: 'silent' }),
      box,
      settings: { timeoutMs: 2_000, maxAttempts: 3, publicUrl: 'https://cyclone.example.com' },
      now: () => clock.now,
    });
  }

  async function finishedRun(phase: 'SUCCEEDED' | 'FAILED'): Promise<string> {
    const { id } = await runWorkflow(api, roles.DEVELOPER, on({}).input);
    await db.workflowRun.update({
      where: { id },
      data: { phase, startedAt: new Date(Date.now() - 65_000), finishedAt: new Date(), message: `run ${phase}` },
    });
    await db.stageRun.updateMany({ where: { runId: id }, data: { phase, exitCode: phase === 'FAILED' ? 2 : 0 } });
    return id;
  }

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_ENCRYPTION_KEY: KEY });
    const admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
    const created = await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      { input: { tenant: 'acme', project: 'web', name: 'ci', stages: [{ name: 'build', image: 'alpine' }] } },
      roles.DEVELOPER,
    );
    expect(created.errors).toBeUndefined();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (req.url === '/flaky') {
          flakyCalls += 1;
          return void res.writeHead(flakyCalls === 1 ? 500 : 204).end();
        }
        res.writeHead(req.url === '/gone' ? 404 : 200).end(req.url === '/slack' ? 'ok' : '');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    smtp = await startSmtpServer();
    const mail = await api.graphql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      {
        input: {
          tenant: 'acme',
          name: 'mail',
          type: 'GENERAL',
          config: { smtpHost: '127.0.0.1', smtpPort: smtp.port, from: 'cyclone@example.com' },
          secret: {},
        },
      },
      admin,
    );
    expect(mail.errors).toBeUndefined();
  });

  afterAll(async () => {
    for (const client of clients) await client.$disconnect();
    await smtp?.stop();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await db?.$disconnect();
    await api?.stop();
  });

  it('refuses bad settings naming the field, and checks roles and tenants', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a', type: 'WEBHOOK' }, 'input.receivers[0].url'],
      [{ name: 'a', type: 'WEBHOOK', url: 'ftp://x' }, 'input.receivers[0].url'],
      [{ name: 'a', type: 'SLACK' }, 'input.receivers[0].url'],
      [{ name: 'a', type: 'EMAIL', integration: 'mail' }, 'input.receivers[0].to'],
      [{ name: 'a', type: 'EMAIL', to: ['not-an-address'], integration: 'mail' }, 'input.receivers[0].to[0]'],
      [{ name: 'a', type: 'EMAIL', to: ['a@example.com'], integration: 'nope' }, 'input.receivers[0].integration'],
      [
        { name: 'a', type: 'SLACK', url: 'https://hooks.example.com/x', to: ['a@example.com'] },
        'input.receivers[0].to',
      ],
    ];
    for (const [receiverInput, field] of cases) {
      const result = (await api.graphql(
        SET,
        on({ policy: 'ALWAYS', receivers: [receiverInput] }),
        roles.DEVELOPER,
      )) as Result;
      expect(result.errors?.[0]?.extensions, JSON.stringify(receiverInput)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    const twice = (await api.graphql(
      SET,
      on({
        policy: 'ALWAYS',
        receivers: [
          { name: 'a', type: 'WEBHOOK', url: receiverUrl },
          { name: 'a', type: 'WEBHOOK', url: receiverUrl },
        ],
      }),
      roles.DEVELOPER,
    )) as Result;
    expect(twice.errors?.[0]?.extensions?.field).toBe('input.receivers[1].name');
    const viewer = (await api.graphql(SET, on({ policy: 'ALWAYS', receivers: [] }), roles.VIEWER)) as Result;
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = (await api.graphql(SET, on({ policy: 'ALWAYS', receivers: [] }), outsider.OWNER)) as Result;
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await db.workflowNotification.count()).toBe(0);
  });

  it('stores the settings with sealed secrets and never returns them', async () => {
    const result = (await api.graphql(
      SET,
      on({
        policy: 'ALWAYS',
        receivers: [
          { name: 'hook', type: 'WEBHOOK', url: `${receiverUrl}/hook`, secret: HOOK_SECRET },
          { name: 'slack', type: 'SLACK', url: `${receiverUrl}/slack` },
          { name: 'mail', type: 'EMAIL', to: ['ops@example.com', 'dev@example.com'], integration: 'mail' },
          { name: 'flaky', type: 'WEBHOOK', url: `${receiverUrl}/flaky` },
          { name: 'gone', type: 'WEBHOOK', url: `${receiverUrl}/gone` },
        ],
      }),
      roles.DEVELOPER,
    )) as Result & { data: { setWorkflowNotifications: { receivers: unknown[] } } };
    expect(result.errors).toBeUndefined();
    expect(result.data.setWorkflowNotifications.receivers).toEqual([
      { name: 'hook', type: 'WEBHOOK', url: `${receiverUrl}/hook`, to: null, integration: null, hasSecret: true },
      { name: 'slack', type: 'SLACK', url: null, to: null, integration: null, hasSecret: true },
      {
        name: 'mail',
        type: 'EMAIL',
        url: null,
        to: ['ops@example.com', 'dev@example.com'],
        integration: 'mail',
        hasSecret: false,
      },
      { name: 'flaky', type: 'WEBHOOK', url: `${receiverUrl}/flaky`, to: null, integration: null, hasSecret: false },
      { name: 'gone', type: 'WEBHOOK', url: `${receiverUrl}/gone`, to: null, integration: null, hasSecret: false },
    ]);
    const text = JSON.stringify(result);
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toContain('/slack');
    const row = await db.workflowNotification.findFirstOrThrow();
    expect(row.secretCiphertext).not.toContain(HOOK_SECRET);
    const audit = await db.auditEvent.findMany({ where: { action: 'workflow.notifications.set' } });
    expect(audit.map((a) => a.outcome)).toContain('SUCCESS');
    expect(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(HOOK_SECRET);
    const shown = await api.graphql(
      '{ workflow(tenant: "acme", project: "web", name: "ci") { notifications { policy receivers { name hasSecret } } } }',
      {},
      roles.VIEWER,
    );
    expect(shown.data).toMatchObject({ workflow: { notifications: { policy: 'ALWAYS' } } });
  });

  it('delivers once per receiver across two controllers, signed, Slack-shaped and by email; retries and gives up', async () => {
    const runId = await finishedRun('FAILED');
    clock.now = new Date();
    const [a, b] = [reconciler(), reconciler()];
    await Promise.all([a.reconcileAll(), b.reconcileAll(), a.reconcileAll(), b.reconcileAll()]);

    const hook = received.filter((r) => r.path === '/hook');
    expect(hook).toHaveLength(1);
    const delivery = hook[0] as Received;
    const expected = `sha256=${createHmac('sha256', HOOK_SECRET).update(delivery.body).digest('hex')}`;
    expect(delivery.headers['x-cyclone-signature-256']).toBe(expected);
    expect(delivery.headers['content-type']).toBe('application/json');
    const summary = JSON.parse(delivery.body);
    expect(summary).toMatchObject({
      event: 'workflowRun.finished',
      tenant: 'acme',
      project: 'web',
      workflow: 'ci',
      run: { id: runId, number: 1, phase: 'FAILED', message: 'run FAILED', trigger: 'MANUAL' },
      stages: [{ name: 'build', phase: 'FAILED', exitCode: 2 }],
    });
    expect(summary.run.url).toBe(`https://cyclone.example.com/projects/web/workflows/ci/runs/${runId}`);
    expect(summary.run.durationMs).toBeGreaterThan(60_000);

    const slack = received.filter((r) => r.path === '/slack');
    expect(slack).toHaveLength(1);
    const message = JSON.parse((slack[0] as Received).body);
    expect(message.text).toMatch(/acme\/web\/ci run #1 FAILED/);
    expect(message.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(slack[0]?.headers['x-cyclone-signature-256']).toBeUndefined();

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({ from: 'cyclone@example.com', to: ['ops@example.com', 'dev@example.com'] });
    expect(smtp.messages[0]?.data).toMatch(/Subject: \[Cyclone\] acme\/web\/ci run #1 FAILED/);
    expect(smtp.messages[0]?.data).toMatch(/build: FAILED \(exit 2\)/);

    const results = async () =>
      (
        (await api.graphql(RUN_NOTIFICATIONS, { id: runId }, roles.VIEWER)) as {
          data: {
            workflowRun: {
              notifications: {
                receiver: string;
                outcome: string;
                statusCode: number;
                attempts: number;
                error: string;
              }[];
            };
          };
        }
      ).data.workflowRun.notifications;
    const byName = async () => Object.fromEntries((await results()).map((n) => [n.receiver, n]));
    let status = await byName();
    expect(status.hook).toMatchObject({ outcome: 'DELIVERED', statusCode: 200, attempts: 1, error: '' });
    expect(status.slack).toMatchObject({ outcome: 'DELIVERED', statusCode: 200 });
    expect(status.mail).toMatchObject({ outcome: 'DELIVERED', statusCode: 250 });
    expect(status.flaky).toMatchObject({
      outcome: 'PENDING',
      statusCode: 500,
      attempts: 1,
      error: 'HTTP 500: Internal Server Error',
    });
    expect(status.gone).toMatchObject({ outcome: 'FAILED', statusCode: 404, attempts: 1 });

    // Not yet due: the backoff is 10 s.
    clock.now = new Date(clock.now.getTime() + 5_000);
    await a.reconcileAll();
    expect(flakyCalls).toBe(1);
    clock.now = new Date(clock.now.getTime() + 6_000);
    await Promise.all([a.reconcileAll(), b.reconcileAll()]);
    expect(flakyCalls).toBe(2);
    status = await byName();
    expect(status.flaky).toMatchObject({ outcome: 'DELIVERED', statusCode: 204, attempts: 2, error: '' });

    // A restarted controller delivers nothing again.
    await reconciler().reconcileAll();
    expect(received.filter((r) => r.path === '/hook')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect(received.filter((r) => r.path === '/gone')).toHaveLength(1);
  });

  it('follows the policy and never notifies runs that finished before the settings', async () => {
    const before = await finishedRun('SUCCEEDED');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const set = (await api.graphql(
      SET,
      on({ policy: 'FAILURE', receivers: [{ name: 'hook', type: 'WEBHOOK', url: `${receiverUrl}/hook` }] }),
      roles.DEVELOPER,
    )) as Result & { data: { setWorkflowNotifications: { receivers: { hasSecret: boolean }[] } } };
    // The stored signing secret is kept when the update leaves it out.
    expect(set.data.setWorkflowNotifications.receivers[0]?.hasSecret).toBe(true);
    const succeeded = await finishedRun('SUCCEEDED');
    const failed = await finishedRun('FAILED');
    const hooksBefore = received.filter((r) => r.path === '/hook').length;
    await reconciler().reconcileAll();
    const hooks = received.filter((r) => r.path === '/hook');
    expect(hooks).toHaveLength(hooksBefore + 1);
    const last = hooks.at(-1) as Received;
    expect(JSON.parse(last.body).run.id).toBe(failed);
    expect(last.headers['x-cyclone-signature-256']).toBe(
      `sha256=${createHmac('sha256', HOOK_SECRET).update(last.body).digest('hex')}`,
    );
    expect(await db.runNotification.count({ where: { runId: { in: [before, succeeded] } } })).toBe(0);
    const planned = await db.workflowRun.findMany({ where: { id: { in: [before, succeeded, failed] } } });
    expect(planned.find((r) => r.id === before)?.notifiedAt).toBeNull();
    expect(planned.find((r) => r.id === succeeded)?.notifiedAt).not.toBeNull();

    const off = await api.graphql(SET, on({ policy: 'ALWAYS', receivers: [] }), roles.DEVELOPER);
    expect(off.data).toEqual({ setWorkflowNotifications: null });
    expect(await db.workflowNotification.count()).toBe(0);
  });

  it('refuses receivers inside the platform: no connection is made, no answer comes back', async () => {
    // The API allows 127.0.0.1 (its test receivers); 127.0.0.2 is as internal as any other address.
    let connections = 0;
    const inside = createServer((_req, res) => res.end('internal answer'));
    inside.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.2', resolve));
    const port = (inside.address() as AddressInfo).port;
    const admin = await api.loginAsAdmin();
    const mail = await api.graphql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      {
        input: {
          tenant: 'acme',
          name: 'inside-mail',
          type: 'GENERAL',
          config: { smtpHost: '127.0.0.2', smtpPort: port, from: 'cyclone@example.com' },
        },
      },
      admin,
    );
    expect(mail.errors).toBeUndefined();
    const set = await api.graphql(
      SET,
      on({
        policy: 'ALWAYS',
        receivers: [
          { name: 'hook', type: 'WEBHOOK', url: `http://127.0.0.2:${port}/hook` },
          { name: 'slack', type: 'SLACK', url: `http://[::ffff:127.0.0.2]:${port}/slack` },
          { name: 'mail', type: 'EMAIL', to: ['ops@example.com'], integration: 'inside-mail' },
        ],
      }),
      roles.DEVELOPER,
    );
    expect(set.errors).toBeUndefined();
    const runId = await finishedRun('FAILED');
    await reconciler().reconcileAll();
    const shown = (await api.graphql(RUN_NOTIFICATIONS, { id: runId }, roles.VIEWER)) as {
      data: { workflowRun: { notifications: { receiver: string; statusCode: number | null; error: string }[] } };
    };
    const notifications = shown.data.workflowRun.notifications;
    expect(notifications.map((n) => n.receiver).sort()).toEqual(['hook', 'mail', 'slack']);
    for (const notification of notifications) {
      expect(notification.statusCode, notification.receiver).toBeNull();
      expect(notification.error, notification.receiver).toMatch(
        /is a loopback address, which calls made for tenants may not reach/,
      );
      expect(notification.error).not.toContain('internal answer');
    }
    expect(connections).toBe(0);
    await new Promise<void>((resolve) => inside.close(() => resolve()));
    await api.graphql(SET, on({ policy: 'ALWAYS', receivers: [] }), roles.DEVELOPER);
  });
});
