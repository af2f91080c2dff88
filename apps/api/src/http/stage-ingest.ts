import { cutToBytes, type OutputLimits } from '@cyclone/domain/core';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { type StageTokenClaims, verifyStageToken } from '../controller/executors/kubernetes/stage-token.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { StageIngestRepository } from '../modules/runs/stage-ingest.repository.js';

const MAX_BATCH = 1_000;
/**
 * What an attempt's log may hold past CYCLONE_LOG_MAX_SIZE through this route: the
 * helper's truncation line and its own lines after it (artifact uploads); a helper
 * never sends more, a pod that does has the rest dropped.
 */
const OWN_LINES_MARGIN = 64 * 1024;

interface IngestDeps {
  stages: StageIngestRepository;
  box: SecretBox;
  logger: Logger;
  limits: Pick<OutputLimits, 'maxLineBytes' | 'maxLogBytes'>;
}

const logBatchSchema = z.object({
  lines: z
    .array(
      z.object({
        seq: z.number().int().min(1),
        stream: z.enum(['STDOUT', 'STDERR']),
        timestamp: z.iso.datetime({ offset: true }),
        text: z.string(),
      }),
    )
    .max(MAX_BATCH),
});

const outputsSchema = z.object({
  outputs: z.array(z.object({ key: z.string().min(1).max(253), value: z.string().max(65_536) })).max(1_000),
});

/**
 * Where stage pods' helpers send what a stage produces, so logs outlive the pod and
 * work from any cluster that can reach the API:
 * - `POST /internal/stages/logs` `{ lines: [{ seq, stream, timestamp, text }] }`: lines
 *   keyed by (run, stage, seq), so a batch sent again after a lost answer adds nothing;
 * - `POST /internal/stages/outputs` `{ outputs: [{ key, value }] }`: the attempt's
 *   `$CYCLONE_RESULTS`, taken as the stage's outputs if the attempt succeeds.
 * Authorization: `Bearer <stage token>` (stage-token.ts), valid only while its attempt
 * is RUNNING. Answers 204, or 400/401/409 with `{ error }`.
 */
export function stageIngestRouter(deps: IngestDeps): Router {
  const router = express.Router();
  // A batch of the helper holds at most about 1 MiB of text (JSON escapes may grow it).
  const json = express.json({ limit: '8mb' });

  router.post('/internal/stages/logs', json, async (req, res) => {
    await handle(req, res, deps, logBatchSchema, async (claims, body) => {
      if (body.lines.length === 0) return;
      // The helper cuts lines within the limit: a longer one is cut here, never stored whole.
      const lines = body.lines.map((line) => ({ ...line, text: cutToBytes(line.text, deps.limits.maxLineBytes) }));
      const maxBytes = deps.limits.maxLogBytes + deps.limits.maxLineBytes + OWN_LINES_MARGIN;
      const dropped = await deps.stages.storeLines(claims, lines, maxBytes);
      if (dropped > 0)
        deps.logger.warn({ ...claims, dropped }, 'a stage pod sent more log than its limit: lines dropped');
    });
  });

  router.post('/internal/stages/outputs', json, async (req, res) => {
    await handle(req, res, deps, outputsSchema, async (claims, body) => {
      await deps.stages.storeOutputs(claims, body.outputs);
    });
  });

  return router;
}

async function handle<S extends z.ZodType>(
  req: Request,
  res: Response,
  deps: IngestDeps,
  schema: S,
  act: (claims: StageTokenClaims, body: z.infer<S>) => Promise<void>,
): Promise<void> {
  try {
    const claims = tokenClaims(req, res, deps.box);
    if (!claims) return;
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
      return;
    }
    if (!(await isRunning(deps.stages, claims, res))) return;
    await act(claims, parsed.data);
    res.status(204).end();
  } catch (error) {
    deps.logger.error({ err: error }, 'stage ingestion failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  }
}

/** The claims of the request's stage token; answers 401 (and gives undefined) without a valid one. */
export function tokenClaims(req: Request, res: Response, box: SecretBox): StageTokenClaims | undefined {
  const header = req.headers.authorization ?? '';
  const claims = header.startsWith('Bearer ') ? verifyStageToken(box, header.slice(7).trim()) : undefined;
  if (!claims) res.status(401).json({ error: 'a valid stage token is required' });
  return claims;
}

/** True while the token's attempt is RUNNING; answers 409 otherwise (its pod's words no longer count). */
export async function isRunning(
  stages: Pick<StageIngestRepository, 'isRunning'>,
  claims: StageTokenClaims,
  res: Response,
): Promise<boolean> {
  const isAttemptRunning = await stages.isRunning(claims);
  if (!isAttemptRunning) res.status(409).json({ error: 'the attempt is not running' });
  return isAttemptRunning;
}

/** 413 with `error`; the rest of the body is discarded (never stored or sent on) and the connection closed after the answer. */
export function refuseOversizedBody(req: Request, res: Response, error: string): void {
  req.unpipe();
  req.resume();
  res.setHeader('connection', 'close');
  res.status(413).json({ error });
}
