// Runs one bench at several sizes, one after another, each in a process of its own
// (a fresh platform per size), and prints one table with a row per size. The bench
// prints its figures as a `BENCH_RESULT {json}` line (sizeResultLine) besides its own output.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

/** The figures of one size: per-run cost must stay flat as the size grows. */
export interface SizeResult {
  runs: number;
  /** CPU of the API process tree and of Postgres, per run. */
  cpuMsPerRun: number;
  /** SQL statements executed (pg_stat_statements calls), per run. */
  sqlPerRun: number;
  /** Rows inserted, updated and deleted in the database (pg_stat_database), per run. */
  dbRowsWrittenPerRun: number;
  /** Kubernetes API-server writes by Cyclone per run (the k8s bench only). */
  apiServerWritesPerRun?: number;
  submitToStartP95Ms: number;
  endToFinishedP95Ms: number;
  /** Submission of the first run until the last one finished. */
  wallSeconds: number;
}

const MARK = 'BENCH_RESULT ';

/** The line a bench prints so that runSizes can read its figures. */
export function sizeResultLine(result: SizeResult): string {
  return `${MARK}${JSON.stringify(result)}`;
}

/** `--sizes 250,1000,4000` from the command line; undefined without the flag. */
export function sizesFromArgs(args: readonly string[]): number[] | undefined {
  const at = args.indexOf('--sizes');
  if (at < 0) return undefined;
  const sizes = (args[at + 1] ?? '').split(',').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--sizes wants a comma-separated list of run counts, got "${args[at + 1] ?? ''}"`);
  return sizes;
}

/** Runs `script` (a bench file, under tsx) with BENCH_RUNS=<size> for every size and prints the table. */
export async function runSizes(script: string, sizes: readonly number[], title: string): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  const loadBefore = loadText();
  for (const size of sizes) {
    console.log(`--- ${title}: ${size} runs`);
    results.push(await runOne(script, size));
  }
  console.log(`\n${title}; load average (1/5/15 min) before ${loadBefore}, after ${loadText()}`);
  console.log(formatSizeTable(results));
  return results;
}

function loadText(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
}

function runOne(script: string, size: number): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, BENCH_RUNS: String(size) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let result: SizeResult | undefined;
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(MARK)) result = JSON.parse(line.slice(MARK.length)) as SizeResult;
        else console.log(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`${script} at ${size} runs exited with ${code}`)),
    );
  });
}

export function formatSizeTable(rows: readonly SizeResult[]): string {
  const hasApiServer = rows.some((r) => r.apiServerWritesPerRun !== undefined);
  type Column = [string, (r: SizeResult) => string];
  const columns: Column[] = [
    ['runs', (r) => String(r.runs)],
    ['CPU ms/run', (r) => r.cpuMsPerRun.toFixed(1)],
    ['SQL/run', (r) => r.sqlPerRun.toFixed(1)],
    ['DB rows written/run', (r) => r.dbRowsWrittenPerRun.toFixed(1)],
    ...(hasApiServer
      ? [['API-server writes/run', (r) => (r.apiServerWritesPerRun ?? Number.NaN).toFixed(2)] satisfies Column]
      : []),
    ['p95 submit→start ms', (r) => String(Math.round(r.submitToStartP95Ms))],
    ['p95 end→finished ms', (r) => String(Math.round(r.endToFinishedP95Ms))],
    ['wall s', (r) => r.wallSeconds.toFixed(1)],
  ];
  const cells = [columns.map(([name]) => name), ...rows.map((r) => columns.map(([, cell]) => cell(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  return cells.map((row) => row.map((cell, i) => cell.padStart(widths[i] as number)).join('  ')).join('\n');
}
