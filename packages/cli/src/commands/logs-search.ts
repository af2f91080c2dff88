import { type LogSearchHit, SearchLogsDocument } from '@cyclone/api-contract';
import { matchRanges, parseLogSearch } from '@cyclone/domain/core';
import { outputFormat, stringOption } from '../args.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatOutput, formatTable, formatTime, paint } from '../output.js';

/** The API's largest page of hits. */
const PAGE = 100;
const MAX_LIMIT = 1000;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: an age such as `30m`, `36h`, `7d`, `2w` or `1d12h` (before now), or an
 * ISO 8601 date or date-time (`2026-12-01`, `2026-12-01T08:00:00Z`).
 */
export function parseSince(text: string, now: number = Date.now()): Date {
  const value = text.trim();
  if (/^(\d+[smhdw])+$/.test(value)) {
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g)) ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
    return new Date(now - ms);
  }
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since takes an age like 7d, 36h or 30m, or a date like 2026-12-01; not "${text}"`, 'logs');
  }
  return date;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 20;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit must be 1 to ${MAX_LIMIT}`, 'logs');
  }
  return limit;
}

/** `cyclone logs search QUERY`: lines of every run of the tenant that contain every term, newest first. */
export async function searchLogs(ctx: CommandContext, query: string): Promise<number> {
  const parsed = parseLogSearch(query);
  if ('error' in parsed) throw new UsageError(`the search ${parsed.error}`, 'logs');
  const format = outputFormat(ctx.args);
  const limit = parseLimit(stringOption(ctx.args, 'limit'));
  const sinceText = stringOption(ctx.args, 'since');
  const since = sinceText === undefined ? undefined : parseSince(sinceText).toISOString();
  const tenant = ctx.settings.tenant;
  if (!tenant) throw new UsageError('no tenant: pass --tenant NAME or run cyclone config set tenant NAME', 'logs');
  // The whole tenant unless narrowed on this command line (a configured default project does not narrow it).
  const project = stringOption(ctx.args, 'project');
  const workflow = stringOption(ctx.args, 'workflow');
  const hits: LogSearchHit[] = [];
  let after: string | undefined;
  let hasMore = false;
  while (hits.length < limit) {
    const { searchLogs: page } = await ctx.api().request(SearchLogsDocument, {
      tenant,
      query,
      project,
      workflow,
      since,
      first: Math.min(PAGE, limit - hits.length),
      after,
    });
    hits.push(...page.edges.map((edge) => edge.node));
    hasMore = page.pageInfo.hasNextPage;
    if (!hasMore || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  ctx.out(formatOutput(format, hits, () => hitTable(hits, parsed.terms, ctx.isColoured)));
  if (format === 'table') {
    if (hits.length === 0) ctx.err('no line matches\n');
    else if (hasMore) ctx.err(`more lines match: raise --limit (now ${limit}) or narrow with --since or --workflow\n`);
  }
  return 0;
}

function hitTable(hits: LogSearchHit[], terms: string[], isColoured: boolean): string {
  return formatTable(
    ['TIME', 'RUN', 'WORKFLOW', 'STAGE:LINE', 'TEXT'],
    hits.map((hit) => [
      formatTime(hit.timestamp),
      hit.run.id,
      `${hit.run.workflow.name} #${hit.run.number}`,
      `${hit.stage}:${hit.seq}`,
      highlight(hit.line, terms, isColoured),
    ]),
  );
}

/** The line with its matches in bright red on a terminal. */
export function highlight(line: string, terms: string[], isColoured: boolean): string {
  if (!isColoured) return line;
  let out = '';
  let at = 0;
  for (const [start, end] of matchRanges(line, terms)) {
    out += line.slice(at, start) + paint(line.slice(start, end), 91, true);
    at = end;
  }
  return out + line.slice(at);
}
