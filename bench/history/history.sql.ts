// SQL that makes a run history in bulk inside Postgres (generate_series: no row crosses
// the network): finished runs spread round-robin over the given workflows, two stage rows
// each (build, then test) and their log lines, in the real schema with every constraint.
// Times are relative to one fixed instant (`at`), so that statements agree on them.
import { LINE_TEXT_SQL } from '../logs/log-lines.sql.js';

export interface Workflow {
  id: string;
  versionId: string;
}

/** A set of runs: indexes 0 … count-1, created evenly over [start, start + spanSeconds). */
export interface RunSet {
  /** Prefix of the run ids (md5 of prefix and index, as uuid). */
  prefix: string;
  count: number;
  /** Run numbers of this set start after this one, per workflow. */
  numberBase: number;
  /** ISO time of the first run's creation. */
  start: string;
  spanSeconds: number;
  workflows: readonly Workflow[];
}

export const runIdSql = (set: RunSet, index: string) => `md5('${set.prefix}' || ${index})::uuid`;

const array = (ids: readonly string[]) => `(ARRAY[${ids.map((id) => `'${id}'`).join(',')}]::uuid[])`;
const workflowOf = (set: RunSet, index: string) =>
  `${array(set.workflows.map((w) => w.id))}[1 + (${index}) % ${set.workflows.length}]`;
const createdSql = (set: RunSet, index: string) =>
  `'${set.start}'::timestamptz + (${index}) * interval '${set.spanSeconds} seconds' / ${set.count}`;

/** The runs, SUCCEEDED (every 10th FAILED), 4 minutes long, notified already; their two stage rows. */
export function insertRunsSql(set: RunSet): string[] {
  const versions = array(set.workflows.map((w) => w.versionId));
  return [
    `INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase, created_at, admitted_at, started_at, finished_at, notified_at)
     SELECT ${runIdSql(set, 'r')}, ${workflowOf(set, 'r')}, ${versions}[1 + r % ${set.workflows.length}],
       ${set.numberBase} + r / ${set.workflows.length} + 1,
       CASE WHEN r % 10 = 9 THEN 'FAILED'::"RunPhase" ELSE 'SUCCEEDED'::"RunPhase" END,
       t, t, t, t + interval '4 minutes', t + interval '4 minutes'
     FROM generate_series(0, ${set.count - 1}) r, LATERAL (SELECT ${createdSql(set, 'r')} AS t) c
     ON CONFLICT DO NOTHING`,
    `INSERT INTO stage_runs (id, run_id, stage, phase, attempt, exit_code, started_at, finished_at)
     SELECT gen_random_uuid(), ${runIdSql(set, 'r')}, s.stage,
       CASE WHEN r % 10 = 9 AND s.stage = 'test' THEN 'FAILED'::"StagePhase" ELSE 'SUCCEEDED'::"StagePhase" END,
       1, CASE WHEN r % 10 = 9 AND s.stage = 'test' THEN 1 ELSE 0 END,
       t + s.offset_s * interval '1 second', t + (s.offset_s + 120) * interval '1 second'
     FROM generate_series(0, ${set.count - 1}) r, LATERAL (SELECT ${createdSql(set, 'r')} AS t) c,
       (VALUES ('build', 0), ('test', 120)) s(stage, offset_s)
     ON CONFLICT DO NOTHING`,
  ];
}

/**
 * Lines [from, to) of the set, `perRun` lines a run: the first half in stage build, the
 * rest in test, 48 ms apart from the run's start; the text mix of the log search bench.
 */
export function insertLinesSql(set: RunSet, perRun: number, from: number, to: number): string {
  const run = `(i / ${perRun})`;
  return `
    INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
    SELECT ${runIdSql(set, run)}, ${workflowOf(set, run)},
      CASE WHEN i % ${perRun} < ${Math.ceil(perRun / 2)} THEN 'build' ELSE 'test' END,
      CASE WHEN i % ${perRun} < ${Math.ceil(perRun / 2)} THEN i % ${perRun} ELSE i % ${perRun} - ${Math.ceil(perRun / 2)} END + 1,
      CASE WHEN h % 10 = 0 THEN 'STDERR'::"LogStream" ELSE 'STDOUT'::"LogStream" END,
      ${createdSql(set, run)} + (i % ${perRun}) * interval '48 ms',
      ${LINE_TEXT_SQL}
    FROM (SELECT i, (i * 2654435761) % 4294967291 AS h FROM generate_series(${from}::bigint, ${to - 1}::bigint) i) g
    ON CONFLICT DO NOTHING`;
}

/** `count` lines of one stage of one run (seq 1 … count): the run whose log replay is timed. */
export function insertStageLinesSql(set: RunSet, index: number, stage: string, count: number): string {
  return `
    INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
    SELECT ${runIdSql(set, String(index))}, ${workflowOf(set, String(index))}, '${stage}', i,
      'STDOUT'::"LogStream", ${createdSql(set, String(index))} + i * interval '10 ms', ${LINE_TEXT_SQL}
    FROM (SELECT i, (i * 2654435761) % 4294967291 AS h FROM generate_series(1::bigint, ${count}::bigint) i) g
    ON CONFLICT DO NOTHING`;
}
