import express, { type Router } from 'express';
import { type ArtifactStore, artifactKey } from '../modules/artifacts/artifact-store.js';
import { isRunning, refuseOversizedBody } from './stage-ingest.js';
import { fail, sendStored, storeBody, type TransferDeps, whileStageRuns } from './stage-transfer.js';

/** Header telling a file from a directory (a tar archive), both ways. */
export const ARTIFACT_KIND_HEADER = 'x-cyclone-artifact-kind';

interface Deps extends TransferDeps {
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
    await whileStageRuns(req, res, deps, 'stage artifact transfer failed', async (claims) => {
      const name = req.params.name as string;
      const kind = req.query.kind ?? 'file';
      if (kind !== 'file' && kind !== 'directory') return fail(res, 400, 'kind: must be file or directory');
      const stage = await deps.stages.stageOf(claims);
      if (!stage?.outputs.artifacts.some((a) => a.name === name)) {
        return fail(res, 400, `"${name}" is not an output artifact of stage "${claims.stage}"`);
      }
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (declared > deps.maxBytes) return refuseOversizedBody(req, res, tooLargeMessage(deps.maxBytes));
      const storageKey = artifactKey(claims.runId, claims.stage, name);
      const stored = await storeBody(req, res, deps.store, storageKey, deps.maxBytes, tooLargeMessage(deps.maxBytes));
      if (!stored) return;
      // The upload may have outlived its attempt (stopped meanwhile): then it is not recorded.
      if (!(await isRunning(deps.stages, claims, res))) return;
      const isDirectory = kind === 'directory';
      await deps.stages.recordArtifact(claims, { name, isDirectory, storageKey }, stored);
      res.status(200).json({ name, size: String(stored.size), sha256: stored.sha256 });
    });
  });

  router.get('/internal/stages/artifacts/inputs/:name', async (req, res) => {
    await whileStageRuns(req, res, deps, 'stage artifact transfer failed', async (claims) => {
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
      await sendStored(
        res,
        body,
        { contentType: 'application/octet-stream', size: row.size },
        { 'x-checksum-sha256': row.sha256, [ARTIFACT_KIND_HEADER]: row.isDirectory ? 'directory' : 'file' },
      );
    });
  });

  return router;
}

function tooLargeMessage(maxBytes: number): string {
  return `the artifact is larger than the limit of ${maxBytes} bytes (CYCLONE_ARTIFACT_MAX_SIZE)`;
}
