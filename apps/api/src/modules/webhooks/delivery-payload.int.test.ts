// Payload retention of webhook deliveries through the real API: only the newest
// CYCLONE_RUN_RETENTION deliveries of each integration keep their payload.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { LoopbackServer } from '../scm/testing/loopback-server.js';
import { prunePayloads } from './delivery-payload.js';
import { signBody } from './verify-signature.js';

const SECRET = 'hook-s3cret';
const KEPT = 2;
const REPLAY = `mutation($id: ID!, $dryRun: Boolean) {
  replayWebhookDelivery(id: $id, dryRun: $dryRun) { trigger { name } wouldStart reason }
}`;

describe('webhook delivery payload retention', () => {
  let api: TestApi;
  let db: Db;
  let github: LoopbackServer;
  let admin: string;
  const integrations: Record<string, string> = {};
  const push = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'github-push.json'), 'utf8'));

  /** A signed GitHub push to the integration; its head commit's message names the delivery. */
  async function deliver(integration: string, id: string, event = 'push') {
    const body = JSON.stringify({ ...push, head_commit: { ...push.head_commit, message: id } });
    const response = await fetch(`${api.url}/webhooks/${integrations[integration]}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': id,
        'x-hub-signature-256': signBody(body, SECRET),
      },
      body,
    });
    expect(response.status).toBe(200);
  }

  /** Delivery id → whether its payload is kept, of one integration's verified deliveries, oldest first. */
  async function kept(integration: string): Promise<Record<string, boolean>> {
    const rows = await db.webhookDelivery.findMany({
      where: { integrationId: integrations[integration], outcome: { not: 'REJECTED' } },
      orderBy: { receivedAt: 'asc' },
    });
    return Object.fromEntries(rows.map((row) => [row.deliveryId, row.payload !== null]));
  }

  const rowOf = (id: string) => db.webhookDelivery.findFirstOrThrow({ where: { deliveryId: id } });

  beforeAll(async () => {
    // No trigger: deliveries are verified, recorded and kept, and ask the server nothing.
    github = await new LoopbackServer().start();
    api = await startTestApi({ CYCLONE_RUN_RETENTION: String(KEPT), CYCLONE_ROLE: 'server' });
    db = createPrismaClient(api.databaseUrl);
    admin = await api.loginAsAdmin();
    await seedTenant(api, admin, 'acme', { projects: ['web'] });
    for (const name of ['github', 'mirror']) {
      const created = await api.graphql<{ createIntegration: { id: string } }>(
        'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
        {
          input: {
            tenant: 'acme',
            name,
            type: 'GITHUB',
            config: { server: github.url },
            secret: { token: 'ghp_test', webhookSecret: SECRET },
          },
        },
        admin,
      );
      expect(created.errors).toBeUndefined();
      integrations[name] = created.data?.createIntegration.id as string;
    }
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    await github?.stop();
  });

  it('keeps the payload of only the newest deliveries of each integration; older records stay without it', async () => {
    await deliver('github', 'push-1');
    await deliver('github', 'push-2');
    expect(await kept('github')).toEqual({ 'push-1': true, 'push-2': true });
    const first = (await rowOf('push-1')).payload as { head_commit: { message: string } };
    expect(first.head_commit.message).toBe('push-1');

    // Another integration's deliveries neither count nor are counted.
    await deliver('mirror', 'mirror-1');
    expect(await kept('github')).toEqual({ 'push-1': true, 'push-2': true });

    await deliver('github', 'push-3');
    expect(await kept('github')).toEqual({ 'push-1': false, 'push-2': true, 'push-3': true });
    // An ignored delivery keeps its payload too, and so counts.
    await deliver('github', 'ping-1', 'ping');
    expect((await rowOf('ping-1')).outcome).toBe('IGNORED');
    expect(await kept('github')).toEqual({ 'push-1': false, 'push-2': false, 'push-3': true, 'ping-1': true });
    expect(await kept('mirror')).toEqual({ 'mirror-1': true });
  });

  it('does not count rejected deliveries, which keep no payload', async () => {
    const forged = await fetch(`${api.url}/webhooks/${integrations.github}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' },
      body: JSON.stringify(push),
    });
    expect(forged.status).toBe(401);
    const rejected = await db.webhookDelivery.findFirstOrThrow({
      where: { integrationId: integrations.github, outcome: 'REJECTED' },
    });
    expect(rejected.payload).toBeNull();
    expect(await kept('github')).toEqual({ 'push-1': false, 'push-2': false, 'push-3': true, 'ping-1': true });
  });

  it('refuses to replay a delivery past retention, and a replay is a delivery that counts', async () => {
    const old = await api.graphql(REPLAY, { id: (await rowOf('push-1')).id, dryRun: true }, admin);
    expect(old.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(old.errors?.[0]?.message).toContain('no kept payload');
    const recent = await rowOf('push-3');
    const dry = await api.graphql(REPLAY, { id: recent.id, dryRun: true }, admin);
    expect(dry.errors).toBeUndefined();
    expect(await kept('github')).toEqual({ 'push-1': false, 'push-2': false, 'push-3': true, 'ping-1': true });

    const real = await api.graphql(REPLAY, { id: recent.id }, admin);
    expect(real.errors).toBeUndefined();
    const now = await kept('github');
    const replayId = Object.keys(now).find((id) => id.startsWith(`replay:${recent.id}:`)) as string;
    expect(now).toEqual({ 'push-1': false, 'push-2': false, 'push-3': false, 'ping-1': true, [replayId]: true });
  });

  it('prunePayloads drops all but the newest `keep` payloads of the integration and says how many', async () => {
    expect(await prunePayloads(db, integrations.github as string, 1)).toBe(1);
    expect(Object.values(await kept('github')).filter(Boolean)).toHaveLength(1);
    expect(Object.entries(await kept('github')).find(([, isKept]) => isKept)?.[0]).toMatch(/^replay:/);
    expect(await prunePayloads(db, integrations.github as string, 1)).toBe(0);
    expect(await kept('mirror')).toEqual({ 'mirror-1': true });
  });
});
