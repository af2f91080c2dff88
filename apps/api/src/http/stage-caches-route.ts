import { randomUUID } from 'node:crypto';
import { CACHE_KEY_MAX } from '@cyclone/domain';
import express, { type Request, type Response, type Router } from 'express';
import type { StageTokenClaims } from '../controller/executors/kubernetes/stage-token.js';
import { type ArtifactStore, cacheStorageKey } from '../modules/artifacts/artifact-store.js';
import type { CachesService, PodCacheScope } from '../modules/caches/caches.service.js';
import { fail, sendStored, storeBody, type TransferDeps, whileStageRuns } from './stage-transfer.js';

/** Headers of a restore: the key of the entry sent (a prefix may have matched) and its size. */
export const CACHE_KEY_HEADER = 'x-cyclone-cache-key';
export const CACHE_SIZE_HEADER = 'x-cyclone-cache-size';

interface Deps extends TransferDeps {
  caches: CachesService;
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
      await sendStored(
        res,
        body,
        { contentType: 'application/x-tar', size: entry.size },
        { [CACHE_KEY_HEADER]: encodeURIComponent(entry.key), [CACHE_SIZE_HEADER]: entry.size.toString() },
      );
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
      const stored = await storeBody(
        req,
        res,
        deps.store,
        storageKey,
        deps.maxBytes,
        `larger than the tenant's cache limit of ${deps.maxBytes} bytes (CYCLONE_CACHE_MAX_SIZE)`,
      );
      if (!stored) return;
      const { size } = stored;
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

/** Only for a stage that declares caches, in the scope of its run's tenant. */
function guarded(
  req: Request,
  res: Response,
  deps: Deps,
  act: (scope: PodCacheScope, claims: StageTokenClaims) => Promise<unknown>,
): Promise<void> {
  return whileStageRuns(req, res, deps, 'stage cache transfer failed', async (claims) => {
    const stage = await deps.stages.stageOf(claims);
    if ((stage?.caches?.length ?? 0) === 0) return fail(res, 404, `stage "${claims.stage}" has no caches`);
    await act(await deps.caches.podScope(claims.runId, claims.stage), claims);
  });
}
