import type { Db } from '../../db/prisma.js';
import type { AuditOutcome } from '../../generated/prisma/enums.js';

export interface AuditFilter {
  action?: string | null;
  actorEmail?: string | null;
  outcome?: AuditOutcome | null;
}

/** The only Prisma reader of audit events (runMutation writes them). */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Newest first; `beforeId` is the last id of the previous page. Fetches `take` rows. */
  async page(tenantId: string | null, filter: AuditFilter, beforeId: bigint | undefined, take: number) {
    const where = {
      tenantId,
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actorEmail ? { actorEmail: filter.actorEmail.trim().toLowerCase() } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
    };
    const [rows, totalCount] = await Promise.all([
      this.db.auditEvent.findMany({
        where: beforeId === undefined ? where : { ...where, id: { lt: beforeId } },
        orderBy: { id: 'desc' },
        take,
      }),
      this.db.auditEvent.count({ where }),
    ]);
    return { rows, totalCount };
  }
}
