import type { Db } from '../../db/prisma.js';
import type { Prisma, WebhookDelivery } from '../../generated/prisma/client.js';
import type { WebhookOutcome } from '../../generated/prisma/enums.js';

export interface DeliveryResult {
  status: number;
  body: { outcome: WebhookOutcome | 'NOT_FOUND'; reason: string; runs: string[]; replayed?: boolean };
}

export type DeliveryScope = { integrationId: string } | { triggerId: string };

/** Rejected deliveries kept per integration (or trigger): forged traffic cannot grow the table without bound. */
export const REJECTED_DELIVERIES_KEPT = 500;

/** Records a delivery that started nothing. Only verified deliveries keep their id. */
export async function recordDelivery(
  db: Db,
  scope: DeliveryScope,
  row: {
    outcome: WebhookOutcome;
    statusCode: number;
    reason: string;
    event?: string;
    deliveryId?: string;
    /** A verified delivery's body as kept (delivery-payload.ts). */
    payload?: Prisma.InputJsonValue;
  },
): Promise<DeliveryResult> {
  const result = toResult({ outcome: row.outcome, statusCode: row.statusCode, reason: row.reason, runIds: [] });
  try {
    await db.webhookDelivery.create({
      data: {
        ...scope,
        deliveryId: row.deliveryId ?? null,
        event: row.event ?? '',
        outcome: row.outcome,
        statusCode: row.statusCode,
        reason: row.reason.slice(0, 1000),
        runIds: [],
        payload: row.payload,
      },
    });
  } catch (error) {
    // The same delivery recorded concurrently: answer with what was recorded first.
    if ((error as { code?: string }).code === 'P2002' && row.deliveryId) {
      const earlier = await findDelivery(db, scope, row.deliveryId);
      if (earlier) return replay(earlier);
    }
    throw error;
  }
  if (row.outcome === 'REJECTED') await pruneRejected(db, scope);
  return result;
}

/** Keeps the newest REJECTED_DELIVERIES_KEPT rejected rows of the scope; accepted ones are never pruned here. */
export async function pruneRejected(db: Db, scope: DeliveryScope, keep = REJECTED_DELIVERIES_KEPT): Promise<number> {
  const old = await db.webhookDelivery.findMany({
    where: { ...scope, outcome: 'REJECTED' },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    skip: keep,
    take: 1000,
    select: { id: true },
  });
  if (old.length === 0) return 0;
  return (await db.webhookDelivery.deleteMany({ where: { id: { in: old.map((r) => r.id) } } })).count;
}

export function findDelivery(db: Pick<Db, 'webhookDelivery'>, scope: DeliveryScope, deliveryId: string) {
  return 'integrationId' in scope
    ? db.webhookDelivery.findUnique({
        where: { integrationId_deliveryId: { integrationId: scope.integrationId, deliveryId } },
      })
    : db.webhookDelivery.findUnique({ where: { triggerId_deliveryId: { triggerId: scope.triggerId, deliveryId } } });
}

/** A redelivery gets the earlier answer and starts nothing new. */
export function replay(earlier: WebhookDelivery): DeliveryResult {
  const result = toResult(earlier);
  return { ...result, body: { ...result.body, replayed: true } };
}

export function toResult(row: Pick<WebhookDelivery, 'outcome' | 'statusCode' | 'reason' | 'runIds'>): DeliveryResult {
  return { status: row.statusCode, body: { outcome: row.outcome, reason: row.reason, runs: row.runIds } };
}
