// A live subscription keeps only the access its reader still has: removed from the
// tenant, a member's run and log streams end within seconds with the same error a new
// subscription would get, while other members' streams go on.
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runWorkflow } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';

const YAML = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec: {pod: {spec: {containers: [{image: local/debian:bookworm, command: ['true']}]}}}
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: wf}
spec: {stages: [{name: build}]}
`;

interface Stream {
  events: unknown[];
  ended: Promise<{ error?: unknown }>;
}

describe('live streams lose access with their reader', () => {
  let api: TestApi;
  let admin: string;
  let tokens: Record<string, string>;
  let runId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    // No controller: the run stays queued, so none of its streams completes on its own.
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    admin = await api.loginAsAdmin();
    tokens = await seedTenant(api, admin, 'watched', { projects: ['p'], roles: ['VIEWER', 'DEVELOPER'] });
    const applied = await api.graphql(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }',
      { input: { tenant: 'watched', project: 'p', yaml: YAML } },
      admin,
    );
    expect(applied.errors).toBeUndefined();
    runId = (await runWorkflow(api, tokens.DEVELOPER, { tenant: 'watched', project: 'p', workflow: 'wf' })).id;
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await api?.stop();
  });

  function subscribe(token: string, query: string): Stream {
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    const events: unknown[] = [];
    const ended = new Promise<{ error?: unknown }>((resolve) => {
      client.subscribe(
        { query },
        { next: (value) => events.push(value), error: (error) => resolve({ error }), complete: () => resolve({}) },
      );
    });
    return { events, ended };
  }

  it("a removed member's run, log and tenant streams end with NOT_FOUND; another member's goes on", async () => {
    const runQuery = `subscription { workflowRunUpdated(id: "${runId}") { id phase } }`;
    const viewerRun = subscribe(tokens.VIEWER as string, runQuery);
    const viewerLogs = subscribe(tokens.VIEWER as string, `subscription { workflowRunLogs(id: "${runId}") { seq } }`);
    const viewerTenant = subscribe(
      tokens.VIEWER as string,
      'subscription { tenantRunsUpdated(tenant: "watched") { id } }',
    );
    const developerRun = subscribe(tokens.DEVELOPER as string, runQuery);
    await waitFor(() => viewerRun.events.length > 0 && developerRun.events.length > 0, {
      what: 'the first run events',
      timeoutMs: 15_000,
    });
    // Give the log and tenant streams time to be open before the removal.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const removed = await api.graphql(
      'mutation($input: RemoveTenantMemberInput!) { removeTenantMember(input: $input) }',
      { input: { tenant: 'watched', email: 'viewer@watched.test' } },
      admin,
    );
    expect(removed.errors).toBeUndefined();

    for (const stream of [viewerRun, viewerLogs, viewerTenant]) {
      const { error } = await stream.ended;
      expect(JSON.stringify(error)).toContain('NOT_FOUND');
    }

    // The developer's stream is still open: a pause of the run reaches it.
    const seen = developerRun.events.length;
    const paused = await api.graphql(
      'mutation($id: ID!) { pauseWorkflowRun(id: $id) { id } }',
      { id: runId },
      tokens.DEVELOPER,
    );
    expect(paused.errors).toBeUndefined();
    await waitFor(() => developerRun.events.length > seen, {
      what: "the developer's next run event",
      timeoutMs: 15_000,
    });
    const stillOpen = await Promise.race([developerRun.ended.then(() => false), Promise.resolve(true)]);
    expect(stillOpen).toBe(true);
  }, 60_000);
});
