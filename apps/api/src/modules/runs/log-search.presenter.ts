import { parseLogSearch } from '@cyclone/domain/core';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput, notFound } from '../../errors/app-error.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { type PageInfoShape, pageSize, toPage } from '../shared/pagination.js';

/** A search that has not answered by then is cancelled and the caller asked to narrow it. */
const SEARCH_TIMEOUT_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LogSearchArgs {
  query: string;
  project?: string | null;
  workflow?: string | null;
  since?: Date | null;
  first?: number | null;
  after?: string | null;
}

export interface LogSearchHitView {
  runId: string;
  stage: string;
  seq: number;
  line: string;
  timestamp: Date;
}

export interface LogSearchPage {
  edges: { cursor: string; node: LogSearchHitView }[];
  pageInfo: PageInfoShape;
}

/** Where the next page starts: the last hit's sort key (timestamp, run, stage, seq). */
interface HitKey {
  timestamp: Date;
  runId: string;
  stage: string;
  seq: number;
}

/**
 * Searches the stored log lines of a tenant's runs, newest first. Every term of the
 * query (parseLogSearch) must occur in the line, ignoring case; each becomes an ILIKE.
 * A rare query is answered by the trigram GIN index on log_lines.text (docs/insight.md
 * says why trigrams and not full-text); a common one reads each workflow of the scope
 * newest first along (workflow_id, timestamp) and merges them. Which one, Postgres'
 * estimate of the matching lines decides (estimatedMatches).
 */
export class LogSearchPresenter {
  /** `rareMatches`: up to how many estimated matches a query counts as rare (else from the table's size, see rareMatches; tests set it). */
  constructor(
    private readonly db: Db,
    private readonly options: { rareMatches?: number } = {},
  ) {}

  async search(user: AuthUser, tenant: string, args: LogSearchArgs): Promise<LogSearchPage> {
    const parsed = parseLogSearch(args.query);
    if ('error' in parsed) throw badInput('query', parsed.error);
    const size = pageSize(args.first ?? undefined);
    if (args.since && Number.isNaN(args.since.getTime())) throw badInput('since', 'is not a date');
    const after = args.after ? decodeHitCursor(args.after) : undefined;
    const page = (hits: LogSearchHitView[]) => toPage(hits, size, encodeHitCursor, Boolean(after));
    return this.db
      .$transaction(
        async (tx) => {
          const workflowIds = await readableWorkflowIds(tx, user, tenant, args);
          if (workflowIds.length === 0 || size === 0) return page([]);
          await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(SEARCH_TIMEOUT_MS)}, true)`;
          /**
           * The terms, since and the cursor as one condition on `l`. `isPlanned` false: each
           * pattern is a subquery's value (an InitPlan), which the planner does not look up
           * in the column's 1,000 sample lines; reading a workflow newest first needs no
           * estimate, and looking them up for every workflow of the scope took 2 ms each.
           */
          const conditions = (isPlanned: boolean) =>
            Prisma.join(
              [
                ...parsed.terms.map((term) =>
                  isPlanned
                    ? Prisma.sql`l.text ILIKE ${likePattern(term)}`
                    : Prisma.sql`l.text ILIKE (SELECT ${likePattern(term)}::text)`,
                ),
                ...(args.since ? [Prisma.sql`l.timestamp >= ${args.since}`] : []),
                ...(after
                  ? [
                      Prisma.sql`l.timestamp <= ${after.timestamp}`,
                      Prisma.sql`(l.timestamp, l.run_id, l.stage, l.seq) < (${after.timestamp}, ${after.runId}::uuid, ${after.stage}, ${BigInt(after.seq)})`,
                    ]
                  : []),
              ],
              ' AND ',
            );
          const isRare =
            (await estimatedMatches(tx, parsed.terms)) <=
            (this.options.rareMatches ?? (await rareMatches(tx, size + 1 + workflowIds.length)));
          const rows = isRare
            ? await searchRare(tx, workflowIds, conditions(true), size + 1)
            : await searchNewestFirst(tx, workflowIds, conditions(false), size + 1);
          const hits = rows.map((row) => ({
            runId: row.run_id,
            stage: row.stage,
            seq: Number(row.seq),
            line: row.text,
            timestamp: row.ts,
          }));
          return page(hits);
        },
        { maxWait: 60_000, timeout: SEARCH_TIMEOUT_MS + 5_000 },
      )
      .catch((error: unknown) => {
        if (isStatementTimeout(error)) {
          throw new AppError(
            'BAD_USER_INPUT',
            'query: the search took too long; narrow it with a longer or rarer term, a project, a workflow or since',
            { field: 'query' },
          );
        }
        throw error;
      });
  }
}

type HitRow = { run_id: string; stage: string; seq: bigint; text: string; ts: Date };

/**
 * What reading one line newest first costs, relative to fetching and sorting one match
 * found through the trigram index (measured: about 1.2 µs and 8 µs at 20 M lines).
 */
const WALK_COST_RATIO = 0.15;

/**
 * Up to how many matching lines (Postgres' estimate, over all workflows) a query is
 * rare: found through the trigram index and sorted, a cost that grows with the matches M.
 * A more common query reads each workflow's lines newest first, until a page of hits
 * (`wanted`, plus one per workflow for the merge to start) is found: about
 * wanted × lines / M lines. The two are equal where M² = ratio × wanted × lines
 * (about 10,000 matches at 20 M lines, 4,300 at 3.8 M, for 12 workflows).
 */
async function rareMatches(tx: Tx, wanted: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ lines: number }[]>`
    SELECT reltuples::float8 AS lines FROM pg_class WHERE oid = 'log_lines'::regclass`;
  const lines = Number(row?.lines ?? -1);
  // -1: never counted (no VACUUM, ANALYZE or index build yet); the figure for 20 M lines.
  return lines < 0 ? 10_000 : Math.sqrt(WALK_COST_RATIO * wanted * lines);
}

/** How many stored lines Postgres expects to match every term (from log_lines.text's statistics). */
async function estimatedMatches(tx: Tx, terms: readonly string[]): Promise<number> {
  const [row] = await tx.$queryRaw<{ 'QUERY PLAN': unknown }[]>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM log_lines l
    WHERE ${Prisma.join(
      terms.map((term) => Prisma.sql`l.text ILIKE ${likePattern(term)}`),
      ' AND ',
    )}`;
  const plan = typeof row?.['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row?.['QUERY PLAN'];
  const rows = Number((plan as { Plan?: { 'Plan Rows'?: unknown } }[] | undefined)?.[0]?.Plan?.['Plan Rows']);
  return Number.isFinite(rows) ? rows : Number.POSITIVE_INFINITY;
}

/**
 * A rare query: every matching line through the trigram index (one scan, whatever
 * the scope), then those of the scope, sorted. The scope is applied after the scan
 * (MATERIALIZED) so that Postgres does not AND the trigram bitmap with the scope's
 * lines, which for a busy workflow are millions.
 */
function searchRare(tx: Tx, workflowIds: string[], conditions: Prisma.Sql, limit: number): Promise<HitRow[]> {
  return tx.$queryRaw<HitRow[]>`
    WITH matches AS MATERIALIZED (
      SELECT l.run_id, l.workflow_id, l.stage, l.seq, l.text, l.timestamp AS ts FROM log_lines l WHERE ${conditions}
    )
    SELECT run_id, stage, seq, text, ts FROM matches
    WHERE workflow_id = ANY(${workflowIds}::uuid[])
    ORDER BY ts DESC, run_id DESC, stage DESC, seq DESC
    LIMIT ${limit}`;
}

/**
 * A common query: each workflow's lines in the search's order along the index on
 * (workflow_id, timestamp, run_id, stage, seq), merged (Merge Append), so that reading
 * stops once a page of hits is found, however many lines other workflows wrote
 * meanwhile. Bitmap scans are off for this statement: a trigram scan per workflow would
 * read the term's whole posting lists once per workflow.
 */
async function searchNewestFirst(
  tx: Tx,
  workflowIds: string[],
  conditions: Prisma.Sql,
  limit: number,
): Promise<HitRow[]> {
  // Transaction-local: the search's transaction ends with this statement.
  await tx.$executeRaw`SELECT set_config('enable_bitmapscan', 'off', true)`;
  const perWorkflow = workflowIds.map(
    (id) => Prisma.sql`(SELECT l.run_id, l.stage, l.seq, l.text, l.timestamp AS ts FROM log_lines l
      WHERE l.workflow_id = ${id}::uuid AND ${conditions}
      ORDER BY l.timestamp DESC, l.run_id DESC, l.stage DESC, l.seq DESC LIMIT ${limit})`,
  );
  return tx.$queryRaw<HitRow[]>`
    SELECT run_id, stage, seq, text, ts FROM (${Prisma.join(perWorkflow, ' UNION ALL ')}) h
    ORDER BY ts DESC, run_id DESC, stage DESC, seq DESC
    LIMIT ${limit}`;
}

/**
 * The workflows whose runs the caller may read, narrowed by project and workflow.
 * Reading runs takes the VIEWER role in their tenant (as workflowRun and tenantRuns
 * do); a tenant the caller is not a member of is NOT_FOUND.
 */
async function readableWorkflowIds(
  tx: Tx,
  user: AuthUser,
  tenant: string,
  args: Pick<LogSearchArgs, 'project' | 'workflow'>,
): Promise<string[]> {
  const access = await requireTenantRole(tx, user, tenant, 'VIEWER');
  const workflows = await tx.workflow.findMany({
    where: {
      project: { tenantId: access.tenant.id, ...(args.project ? { name: args.project } : {}) },
      ...(args.workflow ? { name: args.workflow } : {}),
    },
    select: { id: true },
  });
  if (workflows.length === 0 && args.project) {
    const project = await tx.project.findUnique({
      where: { tenantId_name: { tenantId: access.tenant.id, name: args.project } },
    });
    if (!project) throw notFound(`project "${args.project}" in tenant "${tenant}"`);
  }
  if (workflows.length === 0 && args.workflow) {
    throw notFound(`workflow "${args.workflow}"${args.project ? ` in project "${args.project}"` : ''}`);
  }
  return workflows.map((w) => w.id);
}

/** A term as an ILIKE pattern that matches it anywhere, its own %, _ and \ taken literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, '\\$&')}%`;
}

function encodeHitCursor(hit: HitKey): string {
  return Buffer.from(JSON.stringify([hit.timestamp.toISOString(), hit.runId, hit.stage, hit.seq])).toString(
    'base64url',
  );
}

function decodeHitCursor(cursor: string): HitKey {
  try {
    const [at, runId, stage, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const timestamp = new Date(String(at));
    if (
      typeof at !== 'string' ||
      Number.isNaN(timestamp.getTime()) ||
      typeof runId !== 'string' ||
      !UUID.test(runId) ||
      typeof stage !== 'string' ||
      !Number.isSafeInteger(seq)
    ) {
      throw new Error('shape');
    }
    return { timestamp, runId, stage, seq: seq as number };
  } catch {
    throw badInput('after', 'is not a cursor returned by this API');
  }
}

/** Postgres cancelled the statement at statement_timeout (SQLSTATE 57014). */
function isStatementTimeout(error: unknown): boolean {
  const text = `${(error as { message?: string })?.message ?? ''} ${JSON.stringify((error as { meta?: unknown })?.meta ?? '')}`;
  return text.includes('57014') || text.includes('statement timeout');
}
