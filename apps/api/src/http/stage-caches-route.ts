import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CACHE_KEY_MAX } from '@cyclone/domain';
import express, { type Request, type Response, type Router } from 'express';
import type { StageTokenClaims } from '../controller/executors/kubernetes/stage-token.js';
import type { Logger } from '../logging/logger.js';
import { type ArtifactStore, ArtifactTooLargeError, cacheStorageKey } from '../modules/artifacts/artifact-store.js';
import type { CachesService, PodCacheScope } from '../modules/caches/caches.service.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { StageIngestRepository } from '../modules/runs/stage-ingest.repository.js';
import { isRunning, refuseOversizedBody, tokenClaims } from './stage-ingest.js';

/** Headers of a restore: the key of the entry sent (a prefix may have matched) and its size. */
export const CACHE_KEY_HEADER = 'x-cyclone-cache-key';
export const CACHE_SIZE_HEADER = 'x-cyclone-cache-size';

interface Deps {
  caches: CachesService;
  stages: StageIngestRepository;
  box: SecretBox;
  logger: Logger;
  store: ArtifactStore;
  /** What one tenant's entries may take in all (CYCLONE_CACHE_MAX_SIZE). */
  maxBytes: number;
}

/**
 * Stage caches of stage pods (Kubernetes executor), with the stage token, while its
 * attempt is RUNNING and only for a stage that declares caches; always the caches of
 * the run's tenant. The pod's helper evaluates the keys (it sees the workspace):
 * - `GET /internal/stages/caches/restore?key=K&restoreKeys=P…`: 200 with the tar archive
 *   of the entry found (exact key, else the newest of each prefix in turn) and
 *   `X-Cyclone-Cache-Key`/`X-Cyclone-Cache-Size`; 204 on a miss.
 * - `GET /internal/stages/caches/exists?key=K`: `{ exists }`, so a hit uploads nothing.
 * - `PUT /internal/stages/caches/save?key=K`: the tar archive of the paths, stored as
 *   the tenant's entry K unless K exists (`{ saved: false }`; keys are immutable);
 *   else `{ saved: true, size, evicted }` after evicting the least recently used entries
 *   past the tenant's limit. Larger than the limit: 413, nothing stored.
 */
export function stageCachesRouter(deps: Deps): Router {
  const router = express.Router();

  router.get('/internal/stages/caches/restore', async (req, res) => {
    await guarded(req, res, deps, async (scope) => {
      const key = keyOf(req.query.key);
      const restoreKeys = ([] as unknown[]).concat(req.query.restoreKeys ?? []).map(keyOf);
      if (!key || restoreKeys.some((prefix) => !prefix)) return fail(res, 400, 'key: 1 to 512 characters');
      const entry = await deps.caches.take(scope.tenantId, key, restoreKeys as string[]);
      if (!entry) return void res.status(204).end();
      const body = await deps.store.open(entry.storageKey);
      res.status(200);
      res.setHeader('content-type', 'application/x-tar');
      res.setHeader('content-length', entry.size.toString());
      res.setHeader(CACHE_KEY_HEADER, encodeURIComponent(entry.key));
      res.setHeader(CACHE_SIZE_HEADER, entry.size.toString());
      await pipeline(body, res);
    });
  });

  router.get('/internal/stages/caches/exists', async (req, res) => {
    await guarded(req, res, deps, async (scope) => {
      const key = keyOf(req.query.key);
      if (!key) return fail(res, 400, 'key: 1 to 512 characters');
      res.status(200).json({ exists: await deps.caches.has(scope.tenantId, key) });
    });
  });

  router.put('/internal/stages/caches/save', async (req, res) => {
    await guarded(req, res, deps, async (scope, claims) => {
      const key = keyOf(req.query.key);
      if (!key) return fail(res, 400, 'key: 1 to 512 characters');
      const id = randomUUID();
      const storageKey = cacheStorageKey(scope.tenantId, id);
      const body = new PassThrough();
      req.pipe(body);
      let size: bigint;
      try {
        ({ size } = await deps.store.write(storageKey, body, deps.maxBytes));
      } catch (error) {
        if (!(error instanceof ArtifactTooLargeError)) throw error;
        return refuseOversizedBody(
          req,
          res,
          `larger than the tenant's cache limit of ${deps.maxBytes} bytes (CYCLONE_CACHE_MAX_SIZE)`,
        );
      }
      const recorded = await deps.caches
        .record({ id, ...scope, key, size, storageKey, runId: claims.runId }, BigInt(deps.maxBytes))
        .catch(async (error: unknown) => {
          await deps.store.remove(storageKey).catch(() => undefined);
          throw error;
        });
      if (recorded.isDuplicate) {
        await deps.store.remove(storageKey).catch(() => undefined);
        return void res.status(200).json({ saved: false });
      }
      for (const entry of recorded.evicted) await deps.store.remove(entry.storageKey).catch(() => undefined);
      res.status(200).json({ saved: true, size: String(size), evicted: recorded.evicted.map((entry) => entry.key) });
    });
  });

  return router;
}

function keyOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= CACHE_KEY_MAX ? value : undefined;
}

async function guarded(
  req: Request,
  res: Response,
  deps: Deps,
  act: (scope: PodCacheScope, claims: StageTokenClaims) => Promise<unknown>,
): Promise<void> {
  try {
    const claims = tokenClaims(req, res, deps.box);
    if (!claims || !(await isRunning(deps.stages, claims, res))) return;
    const stage = await deps.stages.stageOf(claims);
    if ((stage?.caches?.length ?? 0) === 0) return fail(res, 404, `stage "${claims.stage}" has no caches`);
    await act(await deps.caches.podScope(claims.runId, claims.stage), claims);
  } catch (error) {
    deps.logger.error({ err: error }, 'stage cache transfer failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    else res.destroy();
  }
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}
