import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import type { SqlTx } from '../../db/sql-tx.js';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';

/** The transaction client Prisma passes to interactive transactions. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface AuditSubject {
  /** e.g. "project.create" */
  action: string;
  objectType: string;
  objectName: string;
  /** Set when the tenant is known before the work starts. */
  tenantId?: string;
}

/**
 * Runs one mutation: all its writes in one transaction together with its audit
 * event, so a failure half-way writes nothing. A failed mutation is still audited,
 * in a separate write after the rollback. `work` may fill in the tenant once it has
 * resolved it (`subject.tenantId = …`).
 */
export function runMutation<T>(
  deps: { db: Db; logger: Logger },
  actor: AuthUser | undefined,
  subject: AuditSubject,
  work: (tx: Tx, subject: AuditSubject) => Promise<T>,
): Promise<T> {
  // A burst of mutations (e.g. many runs submitted at once) queues for a pooled
  // connection; Prisma's default 2 s wait would fail them with INTERNAL_SERVER_ERROR
  // (1,000 runs submitted at once on a busy 2-core machine wait well over 15 s).
  const transaction = <R>(step: (tx: Tx) => Promise<R>) =>
    deps.db.$transaction(step, { maxWait: MUTATION_CONNECT_WAIT_MS, timeout: MUTATION_TIMEOUT_MS });
  return audited({ transaction, logger: deps.logger }, actor, subject, work);
}

/** How long a mutation waits for a pooled connection, and may take once it has one. */
export const MUTATION_CONNECT_WAIT_MS = 60_000;
export const MUTATION_TIMEOUT_MS = 15_000;

/**
 * runMutation for work written for SqlTx alone, on a plain pg pool (its pool's
 * options bound the wait and the time, as runMutation's do): for the submit path of
 * every trigger, where Prisma's CPU per statement was most of a mutation's.
 */
export function runSqlMutation<T>(
  deps: { sql: PlainSql; logger: Logger },
  actor: AuthUser | undefined,
  subject: AuditSubject,
  work: (tx: SqlTx, subject: AuditSubject) => Promise<T>,
): Promise<T> {
  return audited({ transaction: deps.sql.transaction, logger: deps.logger }, actor, subject, work);
}

async function audited<T, X extends SqlTx>(
  deps: { transaction: <R>(step: (tx: X) => Promise<R>) => Promise<R>; logger: Logger },
  actor: AuthUser | undefined,
  subject: AuditSubject,
  work: (tx: X, subject: AuditSubject) => Promise<T>,
): Promise<T> {
  const audited: AuditSubject = { ...subject };
  try {
    return await deps.transaction(async (tx) => {
      const result = await work(tx, audited);
      await insertAuditEvent(tx, auditRow(actor, audited, 'SUCCESS', ''));
      return result;
    });
  } catch (error) {
    const message = error instanceof AppError ? `${error.code}: ${error.message}` : 'INTERNAL_SERVER_ERROR';
    await deps
      .transaction((tx) => insertAuditEvent(tx, auditRow(actor, audited, 'FAILURE', message)))
      .catch((auditError: unknown) => deps.logger.error({ err: auditError }, 'could not record a failed mutation'));
    throw translateConflict(error);
  }
}

/** One raw statement: it ends every mutation, and a Prisma model insert costs several times its CPU. */
async function insertAuditEvent(tx: SqlTx, row: ReturnType<typeof auditRow>): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO audit_events (tenant_id, actor_id, actor_email, action, object_type, object_name, outcome, message)
    VALUES (${row.tenantId}::uuid, ${row.actorId}::uuid, ${row.actorEmail}, ${row.action}, ${row.objectType},
            ${row.objectName}, ${row.outcome}::"AuditOutcome", ${row.message})`;
}

function auditRow(actor: AuthUser | undefined, subject: AuditSubject, outcome: 'SUCCESS' | 'FAILURE', message: string) {
  return {
    tenantId: subject.tenantId ?? null,
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action: subject.action,
    objectType: subject.objectType,
    objectName: subject.objectName,
    outcome,
    message: message.slice(0, 1000),
  };
}

/** Unique-key races and write conflicts surface as CONFLICT rather than as internal errors (Prisma's codes, then pg's). */
function translateConflict(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'P2002' || code === '23505') return new AppError('CONFLICT', 'an object with that name already exists');
  if (code === 'P2034' || code === '40001' || code === '40P01') {
    return new AppError('CONFLICT', 'a concurrent change got there first; try again');
  }
  return error;
}
