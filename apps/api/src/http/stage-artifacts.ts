import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import type { StageTokenClaims } from '../controller/executors/kubernetes/stage-token.js';
import type { Logger } from '../logging/logger.js';
import { type ArtifactStore, ArtifactTooLargeError, artifactKey } from '../modules/artifacts/artifact-store.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { StageIngestRepository } from '../modules/runs/stage-ingest.repository.js';
import { isRunning, refuseOversizedBody, tokenClaims } from './stage-ingest.js';

/** Header telling a file from a directory (a tar archive), both ways. */
export const ARTIFACT_KIND_HEADER = 'x-cyclone-artifact-kind';

interface Deps {
  stages: StageIngestRepository;
  box: SecretBox;
  logger: Logger;
  store: ArtifactStore;
  /** Largest artifact accepted (CYCLONE_ARTIFACT_MAX_SIZE). */
  maxBytes: number;
}

/**
 * Artifacts of stage pods (Kubernetes executor), with the same stage token as log
 * ingestion, valid only while its attempt is RUNNING:
 * - `PUT /internal/stages/artifacts/outputs/<name>?kind=file|directory`: the body (a
 *   file, or a directory as a tar archive) is streamed into the artifact store as the
 *   attempt's output artifact `<name>`, which the stage must declare. Over the size
 *   limit: 413 and nothing stored. Answers `{ name, size, sha256 }`.
 * - `GET /internal/stages/artifacts/inputs/<name>`: the stored artifact the stage's
 *   input artifact `<name>` takes (its `artifactSources` entry, followed along a retry
 *   chain as for local runs), with `X-Cyclone-Artifact-Kind` and `X-Checksum-Sha256`.
 * Errors: 400/401/404/409/413 with `{ error }`.
 */
export function stageArtifactsRouter(deps: Deps): Router {
  const router = express.Router();

  router.put('/internal/stages/artifacts/outputs/:name', async (req, res) => {
    await guarded(req, res, deps, async (claims) => {
      const name = req.params.name as string;
      const kind = req.query.kind ?? 'file';
      if (kind !== 'file' && kind !== 'directory') return fail(res, 400, 'kind: must be file or directory');
      const stage = await deps.stages.stageOf(claims);
      if (!stage?.outputs.artifacts.some((a) => a.name === name)) {
        return fail(res, 400, `"${name}" is not an output artifact of stage "${claims.stage}"`);
      }
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (declared > deps.maxBytes) return tooLarge(req, res, deps.maxBytes);
      const storageKey = artifactKey(claims.runId, claims.stage, name);
      let stored: Awaited<ReturnType<ArtifactStore['write']>>;
      // Through a pass-through: a refused body must not take the request's socket (and the 413) with it.
      const body = new PassThrough();
      req.pipe(body);
      try {
        stored = await deps.store.write(storageKey, body, deps.maxBytes);
      } catch (error) {
        if (error instanceof ArtifactTooLargeError) return tooLarge(req, res, deps.maxBytes);
        throw error;
      }
      // The upload may have outlived its attempt (stopped meanwhile): then it is not recorded.
      if (!(await isRunning(deps.stages, claims, res))) return;
      const isDirectory = kind === 'directory';
      await deps.stages.recordArtifact(claims, { name, isDirectory, storageKey }, stored);
      res.status(200).json({ name, size: String(stored.size), sha256: stored.sha256 });
    });
  });

  router.get('/internal/stages/artifacts/inputs/:name', async (req, res) => {
    await guarded(req, res, deps, async (claims) => {
      const name = req.params.name as string;
      const stage = await deps.stages.stageOf(claims);
      const source = stage?.artifactSources.find((s) => s.name === name)?.source ?? '';
      const at = source.indexOf('/');
      if (!stage?.inputs.artifacts.some((a) => a.name === name) || at <= 0) {
        return fail(res, 404, `"${name}" is not an input artifact of stage "${claims.stage}"`);
      }
      const row = await deps.stages.findArtifact(claims, source.slice(0, at), source.slice(at + 1));
      if (!row) return fail(res, 404, `input artifact "${name}": "${source}" was not stored`);
      const body = await deps.store.open(row.storageKey);
      res.status(200);
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', row.size.toString());
      res.setHeader('x-checksum-sha256', row.sha256);
      res.setHeader(ARTIFACT_KIND_HEADER, row.isDirectory ? 'directory' : 'file');
      await pipeline(body, res);
    });
  });

  return router;
}

async function guarded(
  req: Request,
  res: Response,
  deps: Deps,
  act: (claims: StageTokenClaims) => Promise<unknown>,
): Promise<void> {
  try {
    const claims = tokenClaims(req, res, deps.box);
    if (!claims || !(await isRunning(deps.stages, claims, res))) return;
    await act(claims);
  } catch (error) {
    deps.logger.error({ err: error }, 'stage artifact transfer failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    else res.destroy();
  }
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function tooLarge(req: Request, res: Response, maxBytes: number): void {
  refuseOversizedBody(
    req,
    res,
    `the artifact is larger than the limit of ${maxBytes} bytes (CYCLONE_ARTIFACT_MAX_SIZE)`,
  );
}
