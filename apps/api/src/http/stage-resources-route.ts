import express, { type Router } from 'express';
import type { AttemptHttpPushes } from '../controller/attempt-http-push.js';
import { sendHttpPush } from '../controller/executors/http-push.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { statusText } from '../modules/outbound/outbound-http.js';
import type { StageIngestRepository } from '../modules/runs/stage-ingest.repository.js';
import { isRunning, tokenClaims } from './stage-ingest.js';

interface Deps {
  pushes: AttemptHttpPushes;
  stages: StageIngestRepository;
  box: SecretBox;
  logger: Logger;
}

/**
 * Http output resources of stage pods (Kubernetes executor), with the attempt's stage
 * token, accepted only while it is RUNNING:
 * `PUT /internal/stages/resources/outputs/<name>`: the body, a tar archive of the
 * output path, is sent on as the stage's Http resource `<name>` (sendHttpPush: a
 * multipart form, through the outbound policy), so no URL or header reaches the pod.
 * Answers `{ status, fileName }` once the server took it (recorded for the attempt's
 * exit), 404 for a name the stage does not give, 502 `{ error }` when the send failed.
 */
export function stageResourcesRouter(deps: Deps): Router {
  const router = express.Router();

  router.put('/internal/stages/resources/outputs/:name', async (req, res) => {
    try {
      const claims = tokenClaims(req, res, deps.box);
      if (!claims || !(await isRunning(deps.stages, claims, res))) return;
      const name = req.params.name as string;
      const push = await deps.pushes.declared(claims, name);
      if (!push) {
        res.status(404).json({ error: `"${name}" is not an Http output resource of stage "${claims.stage}"` });
        return;
      }
      let status: number;
      try {
        status = await sendHttpPush(push, req);
      } catch (error) {
        res.status(502).json({ error: (error as Error).message });
        return;
      }
      await deps.pushes.recordSent(claims, name, status);
      res.status(200).json({ status: statusText(status), fileName: push.fileName });
    } catch (error) {
      deps.logger.error({ err: error }, 'stage resource send failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    }
  });

  return router;
}
