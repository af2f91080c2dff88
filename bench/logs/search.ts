// Benchmark: searchLogs over 20 million stored log lines, and what the search indexes
// cost the log writer.
//
// 1. Starts a private Postgres and the built API (bench/lib/platform.ts), makes two
//    tenants with 16 workflows and a VIEWER, and fills log_lines with BENCH_LINES
//    synthetic lines in SQL (generate_series, 1 M per statement) with the search
//    indexes dropped, as a bulk load would.
// 2. Measures the real LogWriter (apps/api/src/controller/executors/log-writer.ts)
//    storing lines, one stage and 8 stages at once, without the indexes; builds them
//    (timed); measures again with them.
// 3. Times BENCH_SEARCHES searchLogs requests over HTTP as the VIEWER, round-robin over
//    a mix of rare, medium and common terms, phrases, filters and a second page, after
//    one warm-up pass; prints p50/p95/max overall and per query.
//
// Run: pnpm --filter @cyclone/api build && pnpm --filter @cyclone/bench logs
// BENCH_LINES (default 20000000), BENCH_SEARCHES (default 300), BENCH_KEEP_DIR=<folder>
// keeps the loaded database there and reuses it on the next run (then only step 3, and
// the ingestion with the indexes, are measured). The query cache is off, so every request executes.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { LogWriter } from '../../apps/api/src/controller/executors/log-writer.js';
import { createPlainSql, type PlainSql } from '../../apps/api/src/db/plain-sql.js';
import type { Logger } from '../../apps/api/src/logging/logger.js';
import { graphql, startBenchPlatform } from '../lib/platform.js';
import { insertLinesSql, insertRunsSql, LINE_TEXT_SQL, LINES_PER_RUN, runIdSql } from './log-lines.sql.js';

const TARGET = Number(process.env.BENCH_LINES ?? 20_000_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 300);
const CHUNK = 1_000_000;
const INGEST_LINES = 200_000;

const TRGM_INDEX =
  'CREATE INDEX IF NOT EXISTS "log_lines_text_trgm_idx" ON "log_lines" USING GIN ("text" gin_trgm_ops)';
const WORKFLOW_INDEX =
  'CREATE INDEX IF NOT EXISTS "log_lines_workflow_id_timestamp_idx" ON "log_lines" ("workflow_id", "timestamp" DESC, "run_id" DESC, "stage" DESC, "seq" DESC)';

interface Search {
  label: string;
  variables: Record<string, unknown>;
  /** Asks for the second page (after the first page's end cursor). */
  isSecondPage?: boolean;
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const SEARCH_MIX: Search[] = [
  { label: 'rare word: OOMKilled', variables: { query: 'OOMKilled' } },
  { label: 'rare phrase: "exit code 137"', variables: { query: '"exit code 137"' } },
  { label: 'rare code token: ENOENT', variables: { query: 'ENOENT' } },
  { label: 'rare path: "src/module-42.test.ts"', variables: { query: '"src/module-42.test.ts"' } },
  { label: 'medium: pkg-4242@', variables: { query: 'pkg-4242@' } },
  { label: 'medium: "worker-12]"', variables: { query: '"worker-12]"' } },
  { label: 'two words: FAIL timeout', variables: { query: 'FAIL timeout' } },
  { label: 'common: "processed batch"', variables: { query: '"processed batch"' } },
  { label: 'common: warning unused', variables: { query: 'warning unused' } },
  { label: 'common, 2nd page: "test result: ok"', variables: { query: '"test result: ok"' }, isSecondPage: true },
  { label: 'common, since 1h: processed', variables: { query: 'processed', since: hoursAgo(1) } },
  { label: 'rare, since 24h: OOMKilled', variables: { query: 'OOMKilled', since: hoursAgo(24) } },
  { label: 'rare, one project: ENOENT', variables: { query: 'ENOENT', project: 'project-2' } },
  { label: 'common, one workflow: handler.js', variables: { query: 'handler.js', workflow: 'service-5' } },
  { label: 'no match, common words: "processed zebra"', variables: { query: 'processed zebra' } },
];

const SEARCH_QUERY = `query($tenant: String!, $query: String!, $project: String, $workflow: String, $since: DateTime, $after: String) {
  searchLogs(tenant: $tenant, query: $query, project: $project, workflow: $workflow, since: $since, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { run { id number workflow { name } } stage seq line timestamp } }
  }
}`;

const platform = await startBenchPlatform({
  keepDataIn: process.env.BENCH_KEEP_DIR,
  env: { NODE_ENV: 'production', CYCLONE_QUERY_CACHE_MAX_AGE: '0' },
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
sql.on('error', () => {});
const logSql = createPlainSql(platform.databaseUrl, 10);
try {
  await sql.connect();
  const admin = await login('admin@cyclone.local', 'cyclone-admin');
  const workflows = await ensureTenants(admin);
  const viewer = await ensureViewer(admin);
  const runs = Math.ceil(TARGET / LINES_PER_RUN);
  const stored = Number((await sql.query('SELECT count(*) AS n FROM log_lines')).rows[0].n);
  console.log(`log_lines holds ${stored.toLocaleString('en')} lines; target ${TARGET.toLocaleString('en')}`);
  if (stored < TARGET) {
    await sql.query('DROP INDEX IF EXISTS "log_lines_text_trgm_idx"');
    await sql.query('DROP INDEX IF EXISTS "log_lines_workflow_id_timestamp_idx"');
    await sql.query(insertRunsSql(runs, workflows));
    const started = performance.now();
    for (let from = stored - (stored % CHUNK); from < TARGET; from += CHUNK) {
      const to = Math.min(TARGET, from + CHUNK);
      const chunkStart = performance.now();
      await sql.query(insertLinesSql(from, to, runs, workflows));
      const rate = (to - from) / ((performance.now() - chunkStart) / 1000);
      console.log(`  loaded ${to.toLocaleString('en')} lines (${Math.round(rate).toLocaleString('en')} lines/s)`);
    }
    console.log(`load: ${((performance.now() - started) / 60_000).toFixed(1)} min, without the search indexes`);
    const before = await measureIngestion(logSql, 'without the search indexes');
    for (const statement of [TRGM_INDEX, WORKFLOW_INDEX]) {
      const indexStart = performance.now();
      await sql.query("SET maintenance_work_mem = '256MB'");
      await sql.query(statement);
      console.log(`${statement.split(' ON ')[0]}: ${((performance.now() - indexStart) / 60_000).toFixed(1)} min`);
    }
    await sql.query('VACUUM ANALYZE log_lines');
    const after = await measureIngestion(logSql, 'with the search indexes');
    for (const key of Object.keys(before) as (keyof typeof before)[]) {
      console.log(
        `ingestion ${key}: ${Math.round(before[key]).toLocaleString('en')} → ${Math.round(after[key]).toLocaleString('en')} lines/s (${(((after[key] - before[key]) / before[key]) * 100).toFixed(0)}%)`,
      );
    }
  } else {
    await sql.query(TRGM_INDEX);
    await sql.query(WORKFLOW_INDEX);
    await measureIngestion(logSql, 'with the search indexes');
  }
  await printSizes();
  // A docker layer id of one line in the middle of the data: a random token, found once.
  const middle = await sql.query<{ id: string }>(
    `SELECT substr(text, 7, 12) AS id FROM log_lines WHERE run_id = ${runIdSql(String(Math.floor(runs / 2)))} AND text LIKE ' ---> %' LIMIT 1`,
  );
  const token = middle.rows[0]?.id ?? 'c4ca4238a0b9';
  SEARCH_MIX.splice(4, 0, { label: `random hex: ${token}`, variables: { query: token } });
  await timeSearches(viewer);
} finally {
  await logSql.close();
  await sql.end().catch(() => undefined);
  await platform.stop();
}

async function login(email: string, password: string): Promise<string> {
  const data = await graphql<{ login: { token: string } }>(
    platform.apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email, password } },
  );
  return data.login.token;
}

/** Tenant bench: project-1…3 with service-1…12; tenant other: project-4 with service-13…16. */
async function ensureTenants(admin: string): Promise<{ id: string; versionId: string }[]> {
  const existing = await sql.query("SELECT 1 FROM tenants WHERE name = 'bench'");
  if (existing.rowCount === 0) {
    for (const tenant of ['bench', 'other']) {
      await graphql(
        platform.apiUrl,
        'mutation($t: String!) { createTenant(input: {name: $t}) { id } }',
        { t: tenant },
        admin,
      );
    }
    for (let p = 1; p <= 4; p++) {
      const tenant = p < 4 ? 'bench' : 'other';
      await graphql(
        platform.apiUrl,
        'mutation($t: String!, $p: String!) { createProject(input: {tenant: $t, name: $p}) { id } }',
        { t: tenant, p: `project-${p}` },
        admin,
      );
      for (let w = (p - 1) * 4 + 1; w <= p * 4; w++) {
        await graphql(
          platform.apiUrl,
          'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
          {
            input: {
              tenant,
              project: `project-${p}`,
              name: `service-${w}`,
              stages: [
                { name: 'build', image: 'alpine:3.20', command: ['true'] },
                { name: 'test', image: 'alpine:3.20', command: ['true'], dependsOn: ['build'] },
              ],
            },
          },
          admin,
        );
      }
    }
  }
  const rows = await sql.query<{ id: string; version_id: string }>(
    `SELECT w.id, v.id AS version_id FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id
     WHERE w.name LIKE 'service-%' ORDER BY substr(w.name, 9)::int`,
  );
  return rows.rows.map((r) => ({ id: r.id, versionId: r.version_id }));
}

/** A VIEWER of tenant bench: searches go through the same access check as everyone's. */
async function ensureViewer(admin: string): Promise<string> {
  const email = 'viewer@bench.test';
  const password = 'bench-viewer-password';
  const exists = await sql.query('SELECT 1 FROM users WHERE email = $1', [email]);
  if (exists.rowCount === 0) {
    await graphql(
      platform.apiUrl,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { email, password } },
      admin,
    );
    await graphql(
      platform.apiUrl,
      'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }',
      { input: { tenant: 'bench', email, role: 'VIEWER' } },
      admin,
    );
  }
  return login(email, password);
}

/**
 * Lines per second the LogWriter stores: INGEST_LINES lines of one stage, then the same
 * spread over 8 stages writing at once. Texts come from the same generator as the load.
 */
async function measureIngestion(logSql: PlainSql, label: string): Promise<{ oneStage: number; eightStages: number }> {
  const texts = (
    await sql.query<{ text: string }>(
      `SELECT ${LINE_TEXT_SQL} AS text
       FROM (SELECT i, (i * 2654435761) % 4294967291 AS h FROM generate_series(900000000::bigint, ${900_000_000 + INGEST_LINES - 1}::bigint) i) g`,
    )
  ).rows.map((r) => r.text);
  const [workflow] = await sql
    .query<{ id: string; version_id: string }>(
      `SELECT w.id, v.id AS version_id FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id WHERE w.name = 'service-1'`,
    )
    .then((r) => r.rows);
  const logger = { error: (detail: object, message: string) => console.error(message, detail) } as unknown as Logger;
  const newRun = async () => {
    const id = (
      await sql.query<{ id: string }>(
        `INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase)
         VALUES (gen_random_uuid(), $1, $2, (SELECT coalesce(max(number), 0) + 1 FROM workflow_runs WHERE workflow_id = $1), 'SUCCEEDED')
         RETURNING id`,
        [workflow?.id, workflow?.version_id],
      )
    ).rows[0]?.id as string;
    return id;
  };
  const write = async (stages: number) => {
    const runId = await newRun();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: stages }, async (_, s) => {
        const writer = new LogWriter(logSql, logger, { runId, stage: `stage-${s}`, firstSeq: 1 });
        const share = INGEST_LINES / stages;
        for (let i = 0; i < share; i++) writer.line('STDOUT', texts[s * share + i] as string);
        await writer.close();
      }),
    );
    return INGEST_LINES / ((performance.now() - started) / 1000);
  };
  const oneStage = await write(1);
  const eightStages = await write(8);
  console.log(
    `LogWriter ${label}: ${Math.round(oneStage).toLocaleString('en')} lines/s (one stage), ${Math.round(eightStages).toLocaleString('en')} lines/s (8 stages at once)`,
  );
  return { oneStage, eightStages };
}

async function printSizes(): Promise<void> {
  const { rows } = await sql.query<{ name: string; size: string }>(
    `SELECT relname AS name, pg_size_pretty(pg_relation_size(oid)) AS size FROM pg_class
     WHERE relname IN ('log_lines', 'log_lines_pkey', 'log_lines_text_trgm_idx', 'log_lines_workflow_id_timestamp_idx')`,
  );
  const count = (await sql.query('SELECT count(*) AS n FROM log_lines')).rows[0].n;
  console.log(`${Number(count).toLocaleString('en')} lines; ${rows.map((r) => `${r.name} ${r.size}`).join(', ')}`);
}

async function timeSearches(token: string): Promise<void> {
  const run = async (search: Search): Promise<{ ms: number; hits: number }> => {
    let after: string | undefined;
    if (search.isSecondPage) {
      const first = await searchOnce(token, search.variables);
      after = first.pageInfo.endCursor ?? undefined;
    }
    const started = performance.now();
    const page = await searchOnce(token, { ...search.variables, after });
    return { ms: performance.now() - started, hits: page.edges.length };
  };
  console.log('warm-up: one pass over the mix');
  for (const search of SEARCH_MIX) await run(search);
  const all: number[] = [];
  const perQuery = new Map<string, { ms: number[]; hits: number }>();
  for (let i = 0; i < SEARCHES; i++) {
    const search = SEARCH_MIX[i % SEARCH_MIX.length] as Search;
    const { ms, hits } = await run(search);
    all.push(ms);
    const entry = perQuery.get(search.label) ?? { ms: [], hits };
    entry.ms.push(ms);
    perQuery.set(search.label, entry);
  }
  console.log(`\n${SEARCHES} searches, one at a time, first: 20`);
  for (const [label, { ms, hits }] of perQuery) {
    console.log(
      `  ${label.padEnd(46)} p50 ${percentile(ms, 50).toFixed(0).padStart(5)} ms  p95 ${percentile(ms, 95).toFixed(0).padStart(5)} ms  (${hits} hits)`,
    );
  }
  console.log(
    `searchLogs over ${TARGET.toLocaleString('en')} lines: p50 ${percentile(all, 50).toFixed(0)} ms, p95 ${percentile(all, 95).toFixed(0)} ms, max ${Math.max(...all).toFixed(0)} ms`,
  );
}

async function searchOnce(token: string, variables: Record<string, unknown>) {
  const data = await graphql<{
    searchLogs: { pageInfo: { endCursor: string | null }; edges: unknown[] };
  }>(platform.apiUrl, SEARCH_QUERY, { tenant: 'bench', ...variables }, token);
  return data.searchLogs;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
