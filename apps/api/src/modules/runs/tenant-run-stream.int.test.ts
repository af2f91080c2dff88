import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS } from '../../db/notification-hub.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { CREATE_WORKFLOW, runWorkflow, sh, waitForRun } from '../../testing/run-helpers.js';
import { type RunsApi, startRunsApi } from '../../testing/runs-api.js';
import type { TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';

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
  /** The first event that matches, once it has arrived; `poke` runs between looks. */
  const waitForEvent = async (match: (event: Event) => boolean, poke?: () => Promise<unknown>) => {
    const received = await waitFor(
      async () => {
        if (!events.some(match)) {
          if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
          await poke?.();
        }
        return events;
      },
      { until: (all) => all.some(match), what: 'a matching event', timeoutMs: 30_000, intervalMs: 100 },
    );
    return received.find(match) as Event;
  };
  return { client, events, errors, waitForEvent };
}

describe('tenantRunsUpdated', () => {
  let runs: RunsApi;
  let api: TestApi;
  let db: Db;
  let dev: string;
  let viewer: string;
  let outsider: string;

  beforeAll(async () => {
    runs = await startRunsApi('tenant-runs');
    ({ api, dev, viewer, outsider } = runs);
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
    await runs?.stop();
  });

  const start = async (tenant: string, token: string) =>
    (await runWorkflow(api, token, { tenant, project: 'web', workflow: 'build' })).id;

  it("sends a new run of the tenant from its creation to its end, and no other tenant's runs", async () => {
    // A finished run, announced again until the subscriber reports it: the subscription is live.
    const probe = await start('acme', dev);
    await waitForRun(api, dev, probe, { timeoutMs: 30_000, intervalMs: 100 });
    const acme = follow(api, viewer, 'acme');
    const other = follow(api, outsider, 'other');
    try {
      const poke = () => db.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${probe})`;
      await acme.waitForEvent((e) => e.id === probe, poke);
      expect(acme.events.find((e) => e.id === probe)?.phase).toBe('SUCCEEDED');
      const seen = acme.events.length;

      const created = await start('acme', dev);
      const foreign = await start('other', outsider);
      const first = await acme.waitForEvent((e) => e.id === created);
      // Created runs wait for admission (or have just been admitted): not yet finished.
      expect(['PENDING', 'WAITING', 'RUNNING']).toContain(first.phase);
      expect(first).toMatchObject({ workflow: { name: 'build' }, projectName: 'web' });
      const last = await acme.waitForEvent((e) => e.id === created && e.phase === 'SUCCEEDED');
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

      await other.waitForEvent((e) => e.id === foreign && e.phase === 'SUCCEEDED');
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
        await waitFor(() => denied.errors.length > 0, { what: 'the subscription to be refused', timeoutMs: 5_000 });
        expect(JSON.stringify(denied.errors)).toContain('NOT_FOUND');
        expect(denied.events).toEqual([]);
      } finally {
        await denied.client.dispose();
      }
    }
  });
});
