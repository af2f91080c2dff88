import express, { type Request, type Response, type Router } from 'express';
import type { AttemptHttpPushes } from '../controller/attempt-http-push.js';
import { sendHttpPush } from '../controller/executors/http-push.js';
import { ArtifactTooLargeError } from '../modules/artifacts/artifact-store.js';
import { meteredStream } from '../modules/artifacts/artifact-streams.js';
import { statusText } from '../modules/outbound/outbound-http.js';
import { refuseOversizedBody } from './stage-ingest.js';
import { fail, type TransferDeps, whileStageRuns } from './stage-transfer.js';

interface Deps extends TransferDeps {
  pushes: AttemptHttpPushes;
  /** Largest archive sent on (CYCLONE_ARTIFACT_MAX_SIZE, as for artifacts). */
  maxBytes: number;
}

/**
 * Http output resources of stage pods (Kubernetes executor), with the attempt's stage
 * token, accepted only while it is RUNNING:
 * `PUT /internal/stages/resources/outputs/<name>`: the body, a tar archive of the
 * output path, is sent on as the stage's Http resource `<name>` (sendHttpPush: a
 * multipart form, through the outbound policy), so no URL or header reaches the pod.
 * Answers `{ status, fileName }` once the server took it (recorded for the attempt's
 * exit), 404 for a name the stage does not give, 413 past CYCLONE_ARTIFACT_MAX_SIZE (the
 * send is cut off), 502 `{ error }` when the send failed.
 */
export function stageResourcesRouter(deps: Deps): Router {
  const router = express.Router();

  router.put('/internal/stages/resources/outputs/:name', async (req, res) => {
    await whileStageRuns(req, res, deps, 'stage resource send failed', async (claims) => {
      const name = req.params.name as string;
      const push = await deps.pushes.declared(claims, name);
      if (!push) return fail(res, 404, `"${name}" is not an Http output resource of stage "${claims.stage}"`);
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (declared > deps.maxBytes) return tooLarge(req, res, deps.maxBytes);
      // Counted on the way through: past the limit the stream fails, which aborts the send.
      const metered = meteredStream(deps.maxBytes);
      let isOverLimit = false;
      metered.stream.on('error', (error) => {
        isOverLimit ||= error instanceof ArtifactTooLargeError;
      });
      req.pipe(metered.stream);
      let status: number;
      try {
        status = await sendHttpPush(push, metered.stream);
      } catch (error) {
        if (isOverLimit) return tooLarge(req, res, deps.maxBytes);
        return fail(res, 502, (error as Error).message);
      }
      await deps.pushes.recordSent(claims, name, status);
      res.status(200).json({ status: statusText(status), fileName: push.fileName });
    });
  });

  return router;
}

function tooLarge(req: Request, res: Response, maxBytes: number): void {
  refuseOversizedBody(
    req,
    res,
    `the archive is larger than the limit of ${maxBytes} bytes (CYCLONE_ARTIFACT_MAX_SIZE)`,
  );
}
