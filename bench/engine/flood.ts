// Benchmark: what an output flood costs the API. One API process (role all, host
// executor) runs stages that write as fast as they can for BENCH_FLOOD_SECONDS each:
// `yes` (short lines), one endless line, and lines of 100 KiB. Prints, per stage, the
// wall time, the bytes and rows stored for it, and the API's peak RSS while it ran,
// against the RSS at rest. Short lines are bound by how fast Postgres takes rows (the
// log writer stops reading the pipe meanwhile); the others by CYCLONE_LOG_MAX_SIZE.
// Run: pnpm --filter @cyclone/bench flood   (BENCH_FLOOD_SECONDS=60, BENCH_FLOODS=yes,one-line,long-lines)
import pg from 'pg';
import { createBenchWorkflow, graphql, seedBenchProject, startBenchPlatform } from '../lib/platform.js';
import { peakRss } from '../lib/rss.js';

const SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 60);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);

const ALL_FLOODS: { name: string; command: string }[] = [
  { name: 'yes', command: `timeout ${SECONDS} yes` },
  { name: 'one-line', command: `timeout ${SECONDS} sh -c "tr '\\0' x < /dev/zero"` },
  { name: 'long-lines', command: `timeout ${SECONDS} yes "$(head -c 102400 /dev/zero | tr '\\0' y)"` },
];
/** BENCH_FLOODS=yes,one-line picks some. */
const floods = ALL_FLOODS.filter((flood) => (process.env.BENCH_FLOODS ?? flood.name).split(',').includes(flood.name));

const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  env: { CYCLONE_EXECUTOR: 'host' },
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
try {
  await sql.connect();
  const token = await seedBenchProject(platform.apiUrl);
  for (const flood of floods) {
    await createBenchWorkflow(platform.apiUrl, token, {
      name: flood.name,
      stages: [{ name: 'flood', image: 'debian', command: ['sh', '-c', `${flood.command}; true`] }],
    });
  }
  // Settle, then the resting figure.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const resting = peakRss(platform.pid);
  const restingBytes = resting.peakBytes();
  resting.stop();
  console.log(`API RSS at rest: ${mib(restingBytes)}; each stage floods for ${SECONDS} s`);

  for (const flood of floods) {
    const rss = peakRss(platform.pid);
    const started = Date.now();
    const { runWorkflow } = await graphql<{ runWorkflow: { id: string } }>(
      platform.apiUrl,
      `mutation { runWorkflow(input: {tenant: "bench", project: "shop", workflow: "${flood.name}"}) { id } }`,
      {},
      token,
    );
    let phase = '';
    while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(phase)) {
      if (Date.now() - started > TIMEOUT_MS) throw new Error(`${flood.name}: still ${phase} after ${TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const { rows } = await sql.query<{ phase: string }>('SELECT phase FROM workflow_runs WHERE id = $1', [
        runWorkflow.id,
      ]);
      phase = rows[0]?.phase ?? '';
    }
    const seconds = (Date.now() - started) / 1000;
    const peak = rss.peakBytes();
    rss.stop();
    const { rows } = await sql.query<{ lines: number; bytes: string }>(
      'SELECT count(*)::int AS lines, coalesce(sum(octet_length(text)), 0)::bigint AS bytes FROM log_lines WHERE run_id = $1',
      [runWorkflow.id],
    );
    const stored = rows[0] ?? { lines: 0, bytes: '0' };
    console.log(
      `${flood.name.padEnd(10)} ${phase.padEnd(9)} ${seconds.toFixed(1)} s, stored ${stored.lines} rows / ${mib(Number(stored.bytes))}, API peak RSS ${mib(peak)} (+${mib(peak - restingBytes)} over rest)`,
    );
  }
} finally {
  await sql.end().catch(() => undefined);
  await platform.stop();
}
