// Stages that print more than the API should hold, for the executors' tests
// (host: controller/executors/output-limits.int.test.ts; containers:
// container/container-output-limits.int.test.ts): the same scripts, the same checks.
import { CONTINUED_MARK, TRUNCATED_PREFIX } from '@cyclone/domain/core';
import { expect } from 'vitest';
import type { Db } from '../db/prisma.js';
import { stageOf } from './run-helpers.js';
import type { runHelpers } from './stage-io.js';

/** Small limits, so a test stores few lines. */
export const FLOOD_LIMITS = {
  CYCLONE_LOG_LINE_MAX_SIZE: '1Ki',
  CYCLONE_LOG_MAX_SIZE: '256Ki',
  CYCLONE_RESULTS_MAX_SIZE: '64',
};
const LINE_MAX = 1024;
const LOG_MAX = 256 * 1024;

const LOREM = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor';

/** name → script of each flooding stage. */
export const FLOOD_SCRIPTS = {
  // 100,000 bytes with no newline at all, then a short line.
  'long-line': "yes x | head -c 200000 | tr -d '\\n'; echo; echo done",
  // A `yes` of about 16 MB: far past the log limit; its last word is dropped.
  flood: `yes '${LOREM}' | head -n 200000; echo finished >&2`,
  // Results of 107 bytes: only the complete lines within 64 count.
  results: `printf 'first: 1\\nsecond: 2\\nthird: %s\\n' "$(yes z | head -n 80 | tr -d '\\n')" >> "$CYCLONE_RESULTS"`,
} as const;

/**
 * Runs each flooding stage (`stage` builds a stage of the executor's image) and checks
 * what was stored: a long line in marked pieces within the limit, a flood truncated at
 * the log limit with one line saying so, results read within their limit; every run
 * ends, and the API still answers.
 */
export async function expectFloodsContained(
  h: ReturnType<typeof runHelpers>,
  db: Db,
  stage: (name: string, script: string) => Record<string, unknown>,
): Promise<void> {
  for (const [name, script] of Object.entries(FLOOD_SCRIPTS)) await h.createWorkflow(name, [stage('main', script)]);
  const ids = Object.fromEntries(
    await Promise.all(Object.keys(FLOOD_SCRIPTS).map(async (name) => [name, await h.start(name)] as const)),
  ) as Record<keyof typeof FLOOD_SCRIPTS, string>;
  const linesOf = (runId: string) => db.logLine.findMany({ where: { runId, stage: 'main' }, orderBy: { seq: 'asc' } });

  const long = await h.waitEnd(ids['long-line'], 120_000);
  expect(stageOf(long, 'main')).toMatchObject({ phase: 'SUCCEEDED', exitCode: 0 });
  const pieces = (await linesOf(ids['long-line'])).map((line) => line.text);
  expect(pieces.at(-1)).toBe('done');
  const cut = pieces.slice(0, -1);
  expect(cut[0]).toBe('x'.repeat(LINE_MAX));
  const unmarked = cut.slice(1).findIndex((text) => !text.startsWith(CONTINUED_MARK));
  expect(unmarked, `piece ${unmarked + 1} of ${cut.length}: ${cut[unmarked + 1]?.slice(0, 40)}`).toBe(-1);
  expect(cut.every((text) => Buffer.byteLength(text) <= LINE_MAX)).toBe(true);
  expect(cut.map((text) => text.replace(CONTINUED_MARK, '')).join('')).toBe('x'.repeat(100_000));

  const flood = await h.waitEnd(ids.flood, 300_000);
  expect(stageOf(flood, 'main')).toMatchObject({ phase: 'SUCCEEDED', exitCode: 0 });
  const lines = await linesOf(ids.flood);
  expect(lines.map((line) => Number(line.seq))).toEqual(lines.map((_, i) => i + 1));
  const notice = lines.at(-1);
  expect(notice?.text.startsWith(TRUNCATED_PREFIX)).toBe(true);
  const kept = lines.slice(0, -1);
  const odd = kept.findIndex((line) => line.text !== LOREM);
  expect(odd, `line ${odd + 1} of ${kept.length}: ${JSON.stringify(kept[odd]?.text)}`).toBe(-1);
  expect(kept).toHaveLength(Math.floor(LOG_MAX / Buffer.byteLength(LOREM)));
  expect(lines.some((line) => line.text === 'finished')).toBe(false);

  const results = await h.waitEnd(ids.results, 120_000);
  expect(stageOf(results, 'main')).toMatchObject({
    phase: 'SUCCEEDED',
    outputs: [
      { key: 'first', value: '1' },
      { key: 'second', value: '2' },
    ],
  });
  expect(await h.logs(ids.results, 'main')).toEqual([
    '[cyclone] $CYCLONE_RESULTS is larger than 64 bytes (CYCLONE_RESULTS_MAX_SIZE): only its first complete lines within that are read',
  ]);
}
