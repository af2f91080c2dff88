// Benchmark: list 50 workflows with their last 5 runs, 50 concurrent clients.
// Prints latency percentiles, throughput and SQL statements per request.
// Run: pnpm build && pnpm --filter @cyclone/bench api
import autocannon from 'autocannon';
import pg from 'pg';
import { graphql, startBenchPlatform } from './lib/platform.js';

const WORKFLOWS = 50;
const RUNS_PER_WORKFLOW = 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

const LIST_QUERY = `query List {
  project(tenant: "bench", name: "shop") {
    workflowsConnection(first: ${WORKFLOWS}) {
      edges { node { name version runs(first: ${RUNS_PER_WORKFLOW}) { id phase createdAt } } }
    }
  }
}`;

const platform = await startBenchPlatform();
try {
  const { login } = await graphql<{ login: { token: string } }>(
    platform.apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: 'admin@cyclone.local', password: 'cyclone-admin' } },
  );
  const token = login.token;
  await graphql(platform.apiUrl, 'mutation { createTenant(input: {name: "bench"}) { id } }', {}, token);
  await graphql(
    platform.apiUrl,
    'mutation { createProject(input: {tenant: "bench", name: "shop"}) { id } }',
    {},
    token,
  );
  for (let i = 0; i < WORKFLOWS; i++) {
    await graphql(
      platform.apiUrl,
      `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }`,
      {
        input: {
          tenant: 'bench',
          project: 'shop',
          name: `service-${i}`,
          stages: [
            { name: 'build', image: 'golang:1.22', command: ['go', 'build', './...'] },
            { name: 'test', image: 'golang:1.22', command: ['go', 'test', './...'], dependsOn: ['build'] },
          ],
        },
      },
      token,
    );
  }

  const db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  // Runs come from the engine; here they are inserted directly (10 per workflow, 5 listed).
  await db.query(`
    INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase, created_at)
    SELECT gen_random_uuid(), w.id, v.id, n, (ARRAY['SUCCEEDED','FAILED','RUNNING']::"RunPhase"[])[1 + n % 3],
           now() - make_interval(mins => 100 - n)
    FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id, generate_series(1, ${2 * RUNS_PER_WORKFLOW}) n`);
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

  const sample = await fetch(`${platform.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: LIST_QUERY }),
  }).then((r) => r.json() as Promise<{ data: { project: { workflowsConnection: { edges: unknown[] } } } }>);
  if (sample.data.project.workflowsConnection.edges.length !== WORKFLOWS) throw new Error('unexpected page size');

  await db.query('SELECT pg_stat_statements_reset()');
  const result = await autocannon({
    url: `${platform.apiUrl}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: LIST_QUERY }),
  });
  const statements = await db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
     WHERE query NOT ILIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = 'cyclone')`,
  );
  await db.end();

  const requests = result.requests.total;
  console.log(
    `list ${WORKFLOWS} workflows with their last ${RUNS_PER_WORKFLOW} runs, ${CONNECTIONS} clients, ${DURATION_SECONDS} s`,
  );
  console.log(
    `  requests: ${requests} (${result.requests.average.toFixed(0)}/s), errors: ${result.errors}, non-2xx: ${result.non2xx}`,
  );
  console.log(
    `  latency ms: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p97.5 ${result.latency.p97_5}  p99 ${result.latency.p99}  max ${result.latency.max}`,
  );
  console.log(`  SQL statements per request: ${(Number(statements.rows[0]?.calls) / requests).toFixed(2)}`);
} finally {
  await platform.stop();
}
