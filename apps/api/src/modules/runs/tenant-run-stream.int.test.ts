import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS } from '../../db/notifications.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }';
const RUN = 'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id phase } }';
const GET = 'query($id: ID!) { workflowRun(id: $id) { id phase } }';
const UPDATED = `subscription($tenant: String!) {
  tenantRunsUpdated(tenant: $tenant) { id number phase workflow { name } projectName stages { name phase } }
}`;

interface Event {
  id: string;
  number: number;
  phase: string;
  workflow: { name: string };
  projectName: string;
  stages: { name: string; phase: string }[];
}

const sh = (name: string, script: string) => ({ name, image: 'alpine:3.20', command: ['sh', '-c'], args: [script] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A subscriber that keeps every event, and can wait for one. */
function follow(api: TestApi, token: string, tenant: string) {
  const client: Client = createClient({
    url: `${api.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const events: Event[] = [];
  const errors: unknown[] = [];
  client.subscribe<{ tenantRunsUpdated: Event }>(
    { query: UPDATED, variables: { tenant } },
    {
      next: (value) => {
        if (value.data) events.push(value.data.tenantRunsUpdated);
        if (value.errors) errors.push(value.errors);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  const waitFor = async (match: (event: Event) => boolean, poke?: () => Promise<unknown>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = events.find(match);
      if (found) return found;
      if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
      await poke?.();
      await sleep(100);
    }
    throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
  };
  return { client, events, errors, waitFor };
}

describe('tenantRunsUpdated', () => {
  let api: TestApi;
  let db: Db;
  let dev: string;
  let viewer: string;
  let outsider: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-tenant-runs-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    dev = roles.DEVELOPER;
    viewer = roles.VIEWER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    db = createPrismaClient(api.databaseUrl);
    for (const [tenant, token] of [
      ['acme', dev],
      ['other', outsider],
    ] as const) {
      const created = await api.graphql(
        CREATE_WORKFLOW,
        { input: { tenant, project: 'web', name: 'build', stages: [sh('a', 'sleep 0.5'), sh('b', 'true')] } },
        token,
      );
      expect(created.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(tenant: string, token: string): Promise<string> {
    const result = await api.graphql<{ runWorkflow: { id: string } }>(
      RUN,
      { input: { tenant, project: 'web', workflow: 'build' } },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data?.runWorkflow.id as string;
  }

  async function finished(id: string, token: string): Promise<void> {
    for (let i = 0; i < 300; i += 1) {
      const result = await api.graphql<{ workflowRun: { phase: string } }>(GET, { id }, token);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(result.data?.workflowRun.phase ?? '')) return;
      await sleep(100);
    }
    throw new Error(`run ${id} did not finish`);
  }

  it("sends a new run of the tenant from its creation to its end, and no other tenant's runs", async () => {
    // A finished run, announced again until the subscriber reports it: the subscription is live.
    const probe = await start('acme', dev);
    await finished(probe, dev);
    const acme = follow(api, viewer, 'acme');
    const other = follow(api, outsider, 'other');
    try {
      const poke = () => db.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${probe})`;
      await acme.waitFor((e) => e.id === probe, poke);
      expect(acme.events.find((e) => e.id === probe)?.phase).toBe('SUCCEEDED');
      const seen = acme.events.length;

      const created = await start('acme', dev);
      const foreign = await start('other', outsider);
      const first = await acme.waitFor((e) => e.id === created);
      // Created runs wait for admission (or have just been admitted): not yet finished.
      expect(['PENDING', 'WAITING', 'RUNNING']).toContain(first.phase);
      expect(first).toMatchObject({ workflow: { name: 'build' }, projectName: 'web' });
      const last = await acme.waitFor((e) => e.id === created && e.phase === 'SUCCEEDED');
      expect(last.stages).toEqual([
        { name: 'a', phase: 'SUCCEEDED' },
        { name: 'b', phase: 'SUCCEEDED' },
      ]);
      // Phase changes only: the run is sent once per distinct state, in order.
      const states = acme.events
        .slice(seen)
        .filter((e) => e.id === created)
        .map((e) => JSON.stringify([e.phase, e.stages]));
      expect(new Set(states).size).toBe(states.length);

      await other.waitFor((e) => e.id === foreign && e.phase === 'SUCCEEDED');
      expect(acme.events.some((e) => e.id === foreign)).toBe(false);
      expect(other.events.some((e) => e.id === created || e.id === probe)).toBe(false);
    } finally {
      await acme.client.dispose();
      await other.client.dispose();
    }
  });

  it('refuses a tenant you are not a member of with NOT_FOUND, and an unknown one alike', async () => {
    for (const tenant of ['acme', 'nope']) {
      const denied = follow(api, outsider, tenant);
      try {
        for (let i = 0; i < 100 && denied.errors.length === 0; i += 1) await sleep(50);
        expect(JSON.stringify(denied.errors)).toContain('NOT_FOUND');
        expect(denied.events).toEqual([]);
      } finally {
        await denied.client.dispose();
      }
    }
  });
});
