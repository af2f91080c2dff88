// Benchmark: the live log path at scale. One API process (role all, host executor)
// runs BENCH_STAGES (100) stages at once, each printing numbered, timestamped lines at
// an even pace for BENCH_SECONDS (300), BENCH_LINES_PER_SECOND (10,000) in all, while
// BENCH_SUBSCRIBERS (500) graphql-ws subscribers, spread evenly over the runs, follow
// their logs. Prints lines lost and doubled per subscriber, the lines stored,
// printed → received p50/p95/p99, and the API's RSS every 10 s (the curve).
// Subscribers follow workflowRunLogBatches, as the web and the CLI do;
// BENCH_LOG_SUBSCRIPTION=lines makes them follow workflowRunLogs, one message per line.
// Run: pnpm --filter @cyclone/bench log-scale
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { busiestStatements, countersSince, readDbCounters, startDbCounters } from '../lib/db-counters.js';
import { followStageLog, type LogSubscription } from '../lib/log-subscriber.js';
import { graphql, seedBenchProject, startBenchPlatform } from '../lib/platform.js';
import { peakRss, rssBytes } from '../lib/rss.js';

const STAGES = Number(process.env.BENCH_STAGES ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 300);
const RATE = Number(process.env.BENCH_LINES_PER_SECOND ?? 10_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 500);
const SUBSCRIPTION: LogSubscription = process.env.BENCH_LOG_SUBSCRIPTION === 'lines' ? 'lines' : 'batches';
const perStage = Math.max(1, Math.round(RATE / STAGES));
const linesPerStage = perStage * SECONDS;
/** The stages wait for this file in their workspaces: made once every subscriber is live. */
const GATE = '.bench-gate';
const MAX_LATENCY_MS = 120_000;
/** Subscriptions per viewer: the API allows one user 300 at once, and 500 watchers are several people. */
const PER_VIEWER = 100;

const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  env: {
    CYCLONE_EXECUTOR: 'host',
    CYCLONE_MAX_ACTIVE_RUNS: String(STAGES * 2),
    CYCLONE_RUN_RETENTION: '100000',
    // As deployed (the API image sets production; graphql-js checks less then).
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
  },
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies in whole milliseconds, counted per millisecond: millions of lines fit. */
class Histogram {
  readonly counts = new Uint32Array(MAX_LATENCY_MS + 1);
  total = 0;

  add(ms: number) {
    this.counts[ms] = (this.counts[ms] ?? 0) + 1;
    this.total += 1;
  }

  percentile(p: number) {
    let seen = 0;
    for (let ms = 0; ms < this.counts.length; ms++) {
      seen += this.counts[ms] as number;
      if (seen >= (p / 100) * this.total) return ms;
    }
    return MAX_LATENCY_MS;
  }
}
const histogram = new Histogram();
/** The same per minute of the run, by when a line was printed: whether lateness grows as the table does. */
const minutes: Histogram[] = [];
let printingFrom = 0;

/** One subscriber: which line numbers it got, and how late. */
function follower(token: string, runId: string) {
  const seen = new Uint8Array(linesPerStage + 1);
  const state = { isLive: false, doubled: 0, got: 0 };
  const target = { apiUrl: platform.apiUrl, token, runId, stage: 'main', subscription: SUBSCRIPTION };
  const ended = followStageLog(target, (line) => {
    const [number, printed] = line.split(' ').map(Number);
    if (number === 0) {
      state.isLive = true;
      return;
    }
    if (number === undefined || printed === undefined || !(number <= linesPerStage)) return;
    if (seen[number]) state.doubled += 1;
    else state.got += 1;
    seen[number] = 1;
    const late = Math.min(MAX_LATENCY_MS, Math.max(0, Date.now() - printed));
    histogram.add(late);
    const minute = Math.max(0, Math.floor((printed - printingFrom) / 60_000));
    minutes[minute] ??= new Histogram();
    minutes[minute].add(late);
  });
  return { state, ended };
}

/** A VIEWER of tenant bench, signed in: watchers are members, not the administrator. */
async function viewerToken(adminToken: string, index: number): Promise<string> {
  const input = { email: `viewer-${index}@bench.local`, password: 'bench-viewer-password' };
  await graphql(
    platform.apiUrl,
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input },
    adminToken,
  );
  await graphql(
    platform.apiUrl,
    'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }',
    { input: { tenant: 'bench', email: input.email, role: 'VIEWER' } },
    adminToken,
  );
  const { login } = await graphql<{ login: { token: string } }>(
    platform.apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input },
  );
  return login.token;
}

try {
  await sql.connect();
  const token = await seedBenchProject(platform.apiUrl);
  // Prints 0, waits for the gate, then line i (and its clock) at the stage's even pace.
  const printer = `my ($n, $rate) = @ARGV; $| = 1; my $t0 = time;
    for my $i (1 .. $n) { printf "%d %.0f\\n", $i, time * 1000; my $wait = $t0 + $i / $rate - time; sleep($wait) if $wait > 0 }`;
  await graphql(
    platform.apiUrl,
    'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    {
      input: {
        tenant: 'bench',
        project: 'shop',
        name: 'talker',
        stages: [
          {
            name: 'main',
            image: 'debian',
            command: [
              'sh',
              '-c',
              `echo 0; while [ ! -e "$CYCLONE_WORKSPACE/${GATE}" ]; do sleep 0.05; done; exec perl -MTime::HiRes=time,sleep -e '${printer}' ${linesPerStage} ${perStage}`,
            ],
          },
        ],
      },
    },
    token,
  );
  const runIds = await Promise.all(
    Array.from({ length: STAGES }, async () => {
      const { runWorkflow } = await graphql<{ runWorkflow: { id: string } }>(
        platform.apiUrl,
        'mutation { runWorkflow(input: {tenant: "bench", project: "shop", workflow: "talker"}) { id } }',
        {},
        token,
      );
      return runWorkflow.id;
    }),
  );
  // One after the other: each sign-up hashes a password, slow on a busy machine.
  const viewers: string[] = [];
  for (let i = 0; i < Math.ceil(SUBSCRIBERS / PER_VIEWER); i++) viewers.push(await viewerToken(token, i));
  const followers = Array.from({ length: SUBSCRIBERS }, (_, i) =>
    follower(viewers[Math.floor(i / PER_VIEWER)] as string, runIds[i % STAGES] as string),
  );
  const failures: string[] = [];
  for (const f of followers) f.ended.catch((error: Error) => failures.push(error.message));
  while (followers.some((f) => !f.state.isLive) && failures.length === 0) await sleep(100);
  if (failures.length > 0) throw new Error(`a subscriber failed: ${failures[0]}`);

  console.log(
    `load before: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')}`,
  );
  const rss = peakRss(platform.pid);
  const counters = await startDbCounters(sql);
  const curve: string[] = [];
  const started = Date.now();
  printingFrom = started;
  const mib = (bytes: number) => Math.round(bytes / 1024 ** 2);
  const sampleRss = () => curve.push(`${Math.round((Date.now() - started) / 1000)}s ${mib(rssBytes(platform.pid))}`);
  for (const id of runIds) writeFileSync(join(platform.dataDir, 'workspaces', id, GATE), '');
  sampleRss();
  const sampler = setInterval(sampleRss, 10_000);
  await Promise.allSettled(followers.map((f) => f.ended));
  clearInterval(sampler);
  sampleRss();
  const seconds = (Date.now() - started) / 1000;
  const { statements } = countersSince(counters, await readDbCounters(sql));
  const busiest = await busiestStatements(sql, 12);

  const { rows } = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM log_lines WHERE run_id = ANY($1::uuid[]) AND stage = $2',
    [runIds, 'main'],
  );
  // Each stored line keeps when the API read it from the stage's pipe: how much of the
  // lateness is before the log is stored, and how much in storing and delivering it.
  const { rows: readLate } = await sql.query<{ p50: number; p95: number }>(
    `/* bench */ SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY late)::int AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY late)::int AS p95
     FROM (SELECT extract(epoch FROM timestamp) * 1000 - split_part(text, ' ', 2)::numeric AS late
           FROM log_lines WHERE run_id = ANY($1::uuid[]) AND stage = $2 AND text LIKE '% %') AS lines`,
    [runIds, 'main'],
  );
  const lost = followers.map((f) => linesPerStage - f.state.got);
  console.log(
    `${STAGES} stages × ${perStage} lines/s for ${SECONDS} s (${STAGES * perStage} lines/s), ${SUBSCRIBERS} subscribers of ${SUBSCRIPTION}: ended after ${seconds.toFixed(0)} s`,
  );
  console.log(`lines stored: ${rows[0]?.n} of ${STAGES * (linesPerStage + 1)} (each stage's first line, 0, included)`);
  console.log(
    `lines lost per subscriber: max ${Math.max(...lost)}, in all ${lost.reduce((a, b) => a + b, 0)}; doubled: ${followers.reduce((a, f) => a + f.state.doubled, 0)}; subscriptions failed: ${failures.length}${failures[0] ? ` (${failures[0]})` : ''}`,
  );
  console.log(
    `printed → received: p50 ${histogram.percentile(50)} ms, p95 ${histogram.percentile(95)} ms, p99 ${histogram.percentile(99)} ms (${histogram.total} lines received)`,
  );
  if (minutes.length > 1) {
    const byMinute = minutes.map((m, i) => `${i + 1}: ${m?.percentile(95) ?? '-'}`);
    console.log(`p95 by minute printed (ms): ${byMinute.join(', ')}`);
  }
  console.log(`printed → read by the API: p50 ${readLate[0]?.p50} ms, p95 ${readLate[0]?.p95} ms`);
  console.log(`SQL statements: ${Math.round(statements / seconds)}/s, the busiest:`);
  for (const { calls, ms, maxMs, query } of busiest)
    console.log(`  ${calls} × ${(ms / calls).toFixed(2)} ms (max ${maxMs.toFixed(0)}) ${query.slice(0, 150)}`);
  console.log(`API RSS (MiB) every 10 s: ${curve.join(', ')}; peak ${mib(rss.peakBytes())}`);
  rss.stop();
  console.log(
    `load after: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')}`,
  );
} finally {
  await sql.end().catch(() => undefined);
  await platform.stop();
}
