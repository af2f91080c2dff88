// SQL that fills log_lines with a synthetic but log-like text mix, generated inside
// Postgres (generate_series): no row crosses the network, so 20 million lines load in
// minutes. Line i belongs to run i / LINES_PER_RUN, stage build (first half) or test.
// Every run's lines span LINES_PER_RUN × 48 ms, and runs are spread evenly over the
// last 30 days, so "newest first" and `since` mean something.

export const LINES_PER_RUN = 5000;

/** A run id that the same run index always gets (md5 as uuid). */
export const runIdSql = (index: string) => `md5('bench-run-' || ${index})::uuid`;

/**
 * The text of line `i` with hash `h`. Frequencies over all lines: OOMKilled 1 in
 * 100,000; ENOENT 19 in 100,000; FAIL … timeout 1 in 1,000; the rest split into
 * seven common shapes (worker progress, docker layers with random hex, HTTP access
 * lines, downloads, compiler warnings, stack frames, test summaries).
 */
export const LINE_TEXT_SQL = `CASE
    WHEN h % 100000 = 7 THEN 'Error: container "app" was OOMKilled (exit code 137), memory limit 512Mi'
    WHEN h % 100000 < 20 THEN 'npm ERR! code ENOENT: no such file or directory, open ''/app/packages/pkg-' || (i % 900) || '/package.json'''
    WHEN h % 1000 = 500 THEN 'FAIL src/module-' || (i % 500) || '.test.ts > handles a timeout after ' || (i % 30) || 's'
    WHEN h % 7 = 0 THEN 'INFO  [worker-' || (i % 64) || '] processed batch ' || i || ' in ' || (h % 997) || 'ms'
    WHEN h % 7 = 1 THEN ' ---> ' || substr(md5(i::text), 1, 12) || ' Using cache layer sha256:' || md5((i * 7)::text)
    WHEN h % 7 = 2 THEN 'GET /api/v1/items/' || (h % 100000) || ' 200 ' || (h % 300) || 'ms user-agent=cyclone-stage/1.' || (i % 9)
    WHEN h % 7 = 3 THEN 'Downloading pkg-' || (h % 5000) || '@' || (h % 10) || '.' || (h % 20) || '.0 from https://registry.example.com/pkg-' || (h % 5000)
    WHEN h % 7 = 4 THEN 'warning: unused variable \`x' || (h % 100) || '\` in src/lib_' || (h % 300) || '.rs:' || (h % 800) || ':' || (h % 40)
    WHEN h % 7 = 5 THEN '    at Object.<anonymous> (/app/src/service-' || (h % 50) || '/handler.js:' || (h % 400) || ':' || (h % 60) || ')'
    ELSE 'test result: ok. ' || (h % 300) || ' passed; 0 failed; ' || (h % 7) || ' ignored; finished in ' || (h % 90) || '.' || (h % 100) || 's'
  END`;

/** Inserts the runs 0 … runs-1, round-robin over the given workflows (ids and their version ids). */
export function insertRunsSql(runs: number, workflows: { id: string; versionId: string }[]): string {
  const ids = workflows.map((w) => `'${w.id}'`).join(',');
  const versions = workflows.map((w) => `'${w.versionId}'`).join(',');
  const count = workflows.length;
  return `
    INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase, created_at, started_at, finished_at)
    SELECT ${runIdSql('r')},
      (ARRAY[${ids}]::uuid[])[1 + r % ${count}],
      (ARRAY[${versions}]::uuid[])[1 + r % ${count}],
      r / ${count} + 1, 'SUCCEEDED',
      now() - interval '30 days' + r * interval '30 days' / ${runs},
      now() - interval '30 days' + r * interval '30 days' / ${runs},
      now() - interval '30 days' + r * interval '30 days' / ${runs} + interval '4 minutes'
    FROM generate_series(0, ${runs - 1}) r
    ON CONFLICT DO NOTHING`;
}

/** Inserts lines [from, to) of `runs` runs, each with its run's workflow (as insertRunsSql assigns them). */
export function insertLinesSql(from: number, to: number, runs: number, workflows: { id: string }[]): string {
  const ids = workflows.map((w) => `'${w.id}'`).join(',');
  return `
    INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
    SELECT ${runIdSql(`(i / ${LINES_PER_RUN})`)},
      (ARRAY[${ids}]::uuid[])[1 + (i / ${LINES_PER_RUN}) % ${workflows.length}],
      CASE WHEN i % ${LINES_PER_RUN} < ${LINES_PER_RUN / 2} THEN 'build' ELSE 'test' END,
      i % ${LINES_PER_RUN / 2} + 1,
      CASE WHEN h % 10 = 0 THEN 'STDERR'::"LogStream" ELSE 'STDOUT'::"LogStream" END,
      now() - interval '30 days' + (i / ${LINES_PER_RUN}) * interval '30 days' / ${runs} + (i % ${LINES_PER_RUN}) * interval '48 ms',
      ${LINE_TEXT_SQL}
    FROM (SELECT i, (i * 2654435761) % 4294967291 AS h FROM generate_series(${from}::bigint, ${to - 1}::bigint) i) g
    ON CONFLICT DO NOTHING`;
}
