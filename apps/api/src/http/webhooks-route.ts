import { type Request, type Response, Router } from 'express';
import type { Logger } from '../logging/logger.js';
import type { DeliveryResult } from '../modules/webhooks/delivery-records.js';
import { MAX_WEBHOOK_BODY_BYTES, type WebhooksService } from '../modules/webhooks/webhooks.service.js';
import type { Metrics } from '../observability/instruments.js';

/** Past this many bytes an oversize body is no longer drained; the connection is closed. */
const DRAIN_LIMIT_BYTES = 16 * MAX_WEBHOOK_BODY_BYTES;

/**
 * POST /webhooks/<integration-id> (SCM servers) and POST /webhooks/triggers/<trigger-id>
 * (WEBHOOK triggers). Mounted before any body parser: signatures are computed over
 * the raw bytes, which are read here with a 1 MB limit.
 */
export function webhooksRouter(webhooks: WebhooksService, logger: Logger, metrics?: Metrics): Router {
  const router = Router();
  const respond = (res: Response, handle: () => Promise<DeliveryResult>) => answer(res, logger, metrics, handle);
  router.post('/webhooks/triggers/:triggerId', async (req, res) => {
    await respond(res, async () =>
      webhooks.receiveTrigger(req.params.triggerId as string, headersOf(req), await readBody(req)),
    );
  });
  router.post('/webhooks/:integrationId', async (req, res) => {
    await respond(res, async () =>
      webhooks.receiveScm(req.params.integrationId as string, headersOf(req), await readBody(req)),
    );
  });
  return router;
}

async function answer(
  res: Response,
  logger: Logger,
  metrics: Metrics | undefined,
  handle: () => Promise<DeliveryResult>,
): Promise<void> {
  try {
    const result = await handle();
    metrics?.webhookDeliveries.inc({ outcome: result.body.outcome });
    res.status(result.status).json(result.body);
  } catch (error) {
    metrics?.webhookDeliveries.inc({ outcome: 'ERROR' });
    logger.error({ err: error }, 'webhook delivery failed');
    if (!res.headersSent) res.status(500).json({ outcome: 'ERROR', reason: 'internal error; retry later', runs: [] });
  }
}

function headersOf(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
  return headers;
}

/** The raw body, or undefined when it exceeds MAX_WEBHOOK_BODY_BYTES. */
function readBody(req: Request): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = declared > MAX_WEBHOOK_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BODY_BYTES) isTooLarge = true;
      if (!isTooLarge) chunks.push(chunk);
      if (size > DRAIN_LIMIT_BYTES) {
        req.pause();
        resolve(undefined);
      }
    });
    req.on('end', () => resolve(isTooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
