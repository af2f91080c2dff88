// Benchmark: list 50 workflows with their last 5 runs, 50 concurrent clients.
// Prints latency percentiles, throughput, CPU and SQL statements per request, and
// the query cache's hit rate: once with the query cache on (as deployed) and once
// with it off (CYCLONE_QUERY_CACHE_MAX_AGE=0: every request executes).
// Run: pnpm --filter @cyclone/api build && pnpm --filter @cyclone/bench api
// BENCH_CONNECTIONS, BENCH_SECONDS; BENCH_QUERY_CACHE=1 (on only) or 0 (off only);
// BENCH_FROM_SOURCE=1 runs the API under tsx (no build).
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSecondsOfTree, postmasterPidOf } from './lib/cpu.js';
import { graphql, startBenchPlatform } from './lib/platform.js';

const WORKFLOWS = 50;
const RUNS_PER_WORKFLOW = 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

// BENCH_TRIVIAL=1 sends `{ version }` instead: the floor of Apollo's request pipeline,
// to compare with an answer served by the query cache's fast path in front of it.
const LIST_QUERY =
  process.env.BENCH_TRIVIAL === '1'
    ? 'query Version { version }'
    : `query List {
  project(tenant: "bench", name: "shop") {
    workflowsConnection(first: ${WORKFLOWS}) {
      edges { node { name version runs(first: ${RUNS_PER_WORKFLOW}) { id phase createdAt } } }
    }
  }
}`;

const modes =
  process.env.BENCH_QUERY_CACHE === '1' ? [true] : process.env.BENCH_QUERY_CACHE === '0' ? [false] : [true, false];
for (const isCached of modes) await bench(isCached);

async function bench(isCached: boolean): Promise<void> {
  // NODE_ENV as deployed (the API image sets production; graphql-js checks less then).
  const platform = await startBenchPlatform({
    fromSource: process.env.BENCH_FROM_SOURCE === '1',
    env: {
      NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
      CYCLONE_QUERY_CACHE_MAX_AGE: isCached ? (process.env.CYCLONE_QUERY_CACHE_MAX_AGE ?? '2s') : '0',
      // BENCH_SERVER_PROCESSES=auto: one server process per core (docs/operations.md).
      CYCLONE_SERVER_PROCESSES: process.env.BENCH_SERVER_PROCESSES ?? '1',
    },
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
    // Stopping the platform ends it; without this a failure above would be hidden by that error.
    db.on('error', () => {});
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
    }).then((r) => r.json() as Promise<{ data: { project?: { workflowsConnection: { edges: unknown[] } } } }>);
    const listed = sample.data.project?.workflowsConnection.edges.length;
    if (process.env.BENCH_TRIVIAL !== '1' && listed !== WORKFLOWS) throw new Error('unexpected page size');

    const cacheBefore = await cacheCounters(platform.apiUrl);
    await db.query('SELECT pg_stat_statements_reset()');
    // autocannon reports no p95: keep every response time and take it here.
    const times: number[] = [];
    const postmasterPid = await postmasterPidOf(db);
    const cpuBefore = { api: cpuSecondsOfTree(platform.pid), db: cpuSecondsOfTree(postmasterPid) };
    const instance = autocannon({
      url: `${platform.apiUrl}/graphql`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: LIST_QUERY }),
      // Without a callback it is both: an emitter of each response and a promise of the result.
    }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
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
    const cacheAfter = await cacheCounters(platform.apiUrl);
    const hits = cacheAfter.hits - cacheBefore.hits;
    const misses = cacheAfter.misses - cacheBefore.misses;
    const uncacheable = cacheAfter.uncacheable - cacheBefore.uncacheable;

    const requests = result.requests.total;
    console.log(
      `${process.env.BENCH_TRIVIAL === '1' ? '{ version }' : `list ${WORKFLOWS} workflows with their last ${RUNS_PER_WORKFLOW} runs`}, ${CONNECTIONS} clients, ${DURATION_SECONDS} s, query cache ${isCached ? 'on' : 'off'}`,
    );
    console.log(
      `  requests: ${requests} (${result.requests.average.toFixed(0)}/s), errors: ${result.errors}, non-2xx: ${result.non2xx}`,
    );
    console.log(
      `  latency ms: p50 ${at(0.5)}  p95 ${at(0.95)}  (autocannon: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p97.5 ${result.latency.p97_5}  p99 ${result.latency.p99}  max ${result.latency.max})`,
    );
    console.log(`  CPU ms per request: API ${cpu.api}, Postgres ${cpu.db} (steadier than latency on a shared machine)`);
    console.log(`  SQL statements per request: ${(Number(statements.rows[0]?.calls) / requests).toFixed(2)}`);
    console.log(
      `  query cache: ${hits} hits, ${misses} misses, ${uncacheable} not cacheable, hit rate ${((100 * hits) / Math.max(1, hits + misses + uncacheable)).toFixed(1)}%`,
    );
  } finally {
    await platform.stop();
  }
}

/** The API's query cache counters from /metrics. */
async function cacheCounters(apiUrl: string): Promise<{ hits: number; misses: number; uncacheable: number }> {
  const text = await fetch(`${apiUrl}/metrics`).then((r) => r.text());
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    hits: value('cyclone_query_cache_hits_total'),
    misses: value('cyclone_query_cache_misses_total'),
    uncacheable: value('cyclone_query_cache_uncacheable_total'),
  };
}
