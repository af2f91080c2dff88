// Benchmark: list 50 workflows with their last 5 runs, 50 concurrent clients.
// Prints latency percentiles, throughput and SQL statements per request.
// Run: pnpm build && pnpm --filter @cyclone/bench api
// BENCH_CONNECTIONS, BENCH_SECONDS; BENCH_FROM_SOURCE=1 runs the API under tsx (no build);
// CYCLONE_WORKERS is passed on to the API.
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSecondsOfTree, parentPid } from './lib/cpu.js';
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

// NODE_ENV as deployed (the API image sets production; graphql-js checks less then).
const platform = await startBenchPlatform({
  fromSource: process.env.BENCH_FROM_SOURCE === '1',
  env: { NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production' },
});
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
  // autocannon reports no p95: keep every response time and take it here.
  const times: number[] = [];
  const backend = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmasterPid = parentPid(Number(backend.rows[0]?.pid));
  const cpuBefore = { api: cpuSecondsOfTree(platform.pid), db: cpuSecondsOfTree(postmasterPid) };
  const instance = autocannon({
    url: `${platform.apiUrl}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: LIST_QUERY }),
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  const result = await instance;
  const cpuMs = (seconds: number) => ((seconds * 1000) / Math.max(1, result.requests.total)).toFixed(2);
  const cpu = {
    api: cpuMs(cpuSecondsOfTree(platform.pid) - cpuBefore.api),
    db: cpuMs(cpuSecondsOfTree(postmasterPid) - cpuBefore.db),
  };
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  const statements = await db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
     WHERE query NOT ILIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = 'cyclone')`,
  );
  // BENCH_SHOW_SQL=1 lists the statements behind the count.
  if (process.env.BENCH_SHOW_SQL === '1') {
    const top = await db.query<{ calls: string; ms: string; query: string }>(
      `SELECT calls::text, round(total_exec_time::numeric / calls, 3)::text AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 220) AS query
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 15`,
    );
    for (const row of top.rows) console.log(`  ${row.calls.padStart(7)} x ${row.ms.padStart(7)} ms  ${row.query}`);
  }
  await db.end();

  const requests = result.requests.total;
  console.log(
    `list ${WORKFLOWS} workflows with their last ${RUNS_PER_WORKFLOW} runs, ${CONNECTIONS} clients, ${DURATION_SECONDS} s`,
  );
  console.log(
    `  requests: ${requests} (${result.requests.average.toFixed(0)}/s), errors: ${result.errors}, non-2xx: ${result.non2xx}`,
  );
  console.log(
    `  latency ms: p50 ${at(0.5)}  p95 ${at(0.95)}  (autocannon: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p97.5 ${result.latency.p97_5}  p99 ${result.latency.p99}  max ${result.latency.max})`,
  );
  console.log(`  CPU ms per request: API ${cpu.api}, Postgres ${cpu.db} (steadier than latency on a shared machine)`);
  console.log(`  SQL statements per request: ${(Number(statements.rows[0]?.calls) / requests).toFixed(2)}`);
} finally {
  await platform.stop();
}
