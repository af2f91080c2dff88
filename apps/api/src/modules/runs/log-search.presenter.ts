import { parseLogSearch } from '@cyclone/domain/core';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput, notFound } from '../../errors/app-error.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { type PageInfoShape, pageSize } from '../shared/pagination.js';

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
 * query (parseLogSearch) must occur in the line, ignoring case; each becomes an ILIKE
 * that the trigram GIN index on log_lines.text answers (docs/insight.md says why
 * trigrams and not full-text), and a common term is read newest first along the
 * timestamp index instead: Postgres picks between the two by its estimate.
 */
export class LogSearchPresenter {
  constructor(private readonly db: Db) {}

  async search(user: AuthUser, tenant: string, args: LogSearchArgs): Promise<LogSearchPage> {
    const parsed = parseLogSearch(args.query);
    if ('error' in parsed) throw badInput('query', parsed.error);
    const size = pageSize(args.first ?? undefined);
    if (args.since && Number.isNaN(args.since.getTime())) throw badInput('since', 'is not a date');
    const after = args.after ? decodeHitCursor(args.after) : undefined;
    return this.db
      .$transaction(
        async (tx) => {
          const workflowIds = await readableWorkflowIds(tx, user, tenant, args);
          if (workflowIds.length === 0 || size === 0) return page([], size, Boolean(after));
          await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(SEARCH_TIMEOUT_MS)}, true)`;
          const rows = await tx.$queryRaw<{ run_id: string; stage: string; seq: bigint; text: string; ts: Date }[]>`
          SELECT l.run_id, l.stage, l.seq, l.text, l.timestamp AS ts
          FROM log_lines l JOIN workflow_runs r ON r.id = l.run_id
          WHERE r.workflow_id = ANY(${workflowIds}::uuid[])
            AND ${Prisma.join(
              parsed.terms.map((term) => Prisma.sql`l.text ILIKE ${likePattern(term)}`),
              ' AND ',
            )}
            ${args.since ? Prisma.sql`AND l.timestamp >= ${args.since}` : Prisma.empty}
            ${
              after
                ? Prisma.sql`AND l.timestamp <= ${after.timestamp}
                    AND (l.timestamp, l.run_id, l.stage, l.seq) < (${after.timestamp}, ${after.runId}::uuid, ${after.stage}, ${BigInt(after.seq)})`
                : Prisma.empty
            }
          ORDER BY l.timestamp DESC, l.run_id DESC, l.stage DESC, l.seq DESC
          LIMIT ${size + 1}`;
          const hits = rows.map((row) => ({
            runId: row.run_id,
            stage: row.stage,
            seq: Number(row.seq),
            line: row.text,
            timestamp: row.ts,
          }));
          return page(hits, size, Boolean(after));
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

function page(hits: LogSearchHitView[], size: number, hasPrevious: boolean): LogSearchPage {
  const edges = hits.slice(0, size).map((node) => ({ node, cursor: encodeHitCursor(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: hits.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor,
      endCursor: edges[edges.length - 1]?.cursor,
    },
  };
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
