import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { StageTokenClaims } from '../controller/executors/kubernetes/stage-token.js';
import type { Logger } from '../logging/logger.js';
import { type ArtifactStore, ArtifactTooLargeError } from '../modules/artifacts/artifact-store.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { StageIngestRepository } from '../modules/runs/stage-ingest.repository.js';
import { isRunning, refuseOversizedBody, tokenClaims } from './stage-ingest.js';

/** What the file routes of stage pods (artifacts, caches, Http resources) share. */

export interface TransferDeps {
  stages: StageIngestRepository;
  box: SecretBox;
  logger: Logger;
}

/**
 * Runs `act` for a request with a valid stage token of a RUNNING attempt; a failure is
 * logged as `failed` and answers 500, or cuts a stream already begun.
 */
export async function whileStageRuns(
  req: Request,
  res: Response,
  deps: TransferDeps,
  failed: string,
  act: (claims: StageTokenClaims) => Promise<unknown>,
): Promise<void> {
  try {
    const claims = tokenClaims(req, res, deps.box);
    if (!claims || !(await isRunning(deps.stages, claims, res))) return;
    await act(claims);
  } catch (error) {
    deps.logger.error({ err: error }, failed);
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    else res.destroy();
  }
}

export function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/**
 * Streams the request body into the store under `storageKey`; over `maxBytes` it answers
 * 413 with `tooLarge` and gives undefined.
 */
export async function storeBody(
  req: Request,
  res: Response,
  store: ArtifactStore,
  storageKey: string,
  maxBytes: number,
  tooLarge: string,
): Promise<Awaited<ReturnType<ArtifactStore['write']>> | undefined> {
  // Through a pass-through: a refused body must not take the request's socket (and the 413) with it.
  const body = new PassThrough();
  req.pipe(body);
  try {
    return await store.write(storageKey, body, maxBytes);
  } catch (error) {
    if (!(error instanceof ArtifactTooLargeError)) throw error;
    refuseOversizedBody(req, res, tooLarge);
    return undefined;
  }
}

/** Answers 200 with a stored object's bytes, its type and size, and the given headers. */
export async function sendStored(
  res: Response,
  body: Readable,
  stored: { contentType: string; size: bigint },
  headers: Record<string, string>,
): Promise<void> {
  res.status(200);
  res.setHeader('content-type', stored.contentType);
  res.setHeader('content-length', stored.size.toString());
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  await pipeline(body, res);
}
