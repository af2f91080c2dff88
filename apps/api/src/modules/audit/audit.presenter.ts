import type { Db } from '../../db/prisma.js';
import { badInput } from '../../errors/app-error.js';
import type { AuditOutcome } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import { type ConnectionShape, decodeCursor, pageSize, toConnection } from '../shared/pagination.js';
import { type AuditFilter, AuditRepository } from './audit.repository.js';

export interface AuditEventView {
  id: string;
  action: string;
  objectType: string;
  objectName: string;
  outcome: AuditOutcome;
  message: string;
  actorEmail: string | null;
  createdAt: Date;
}

/**
 * The audit log, newest first, with cursors. Tenant events are for the tenant's
 * ADMINs; events outside any tenant (users, API tokens, tenant deletion) are for
 * platform administrators (checked by the resolver).
 */
export class AuditPresenter {
  private readonly repository: AuditRepository;

  constructor(private readonly db: Db) {
    this.repository = new AuditRepository(db);
  }

  async tenantEvents(user: AuthUser, tenantName: string, page: PageArgs, filter: AuditFilter) {
    const { tenant } = await requireTenantRole(this.db, user, tenantName, 'ADMIN');
    return this.page(tenant.id, page, filter);
  }

  platformEvents(page: PageArgs, filter: AuditFilter) {
    return this.page(null, page, filter);
  }

  private async page(
    tenantId: string | null,
    page: PageArgs,
    filter: AuditFilter,
  ): Promise<ConnectionShape<AuditEventView>> {
    const size = pageSize(page.first ?? undefined);
    const beforeId = page.after ? cursorId(page.after) : undefined;
    const { rows, totalCount } = await this.repository.page(tenantId, filter, beforeId, size + 1);
    const views = rows.map((row) => ({ ...row, id: row.id.toString() }));
    return toConnection(views, size, totalCount, (row) => ({ sort: row.id, id: row.id }), beforeId !== undefined);
  }
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

function cursorId(after: string): bigint {
  const { id } = decodeCursor(after);
  if (!/^\d{1,19}$/.test(id)) throw badInput('after', 'is not a cursor returned by this API');
  return BigInt(id);
}
