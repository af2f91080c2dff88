import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 };

/**
 * Plain HTTP downloads beside GraphQL, with the same bearer token and the same
 * tenant rules (VIEWER and up; other tenants and unknown ids get 404):
 * - `GET /runs/<run>/artifacts/<stage>/<name>`: the artifact (a directory as a tar).
 * - `GET /runs/<run>/logs[?stage=<name>]`: the log as text, streamed from Postgres.
 */
export function runDownloadsRouter(services: Services, logger: Logger): Router {
  const router = express.Router();

  router.get('/runs/:runId/artifacts/:stage/:name', async (req, res) => {
    await respond(res, logger, async () => {
      const user = await signedIn(services, req);
      const download = await services.runDownloads.artifact(
        user,
        String(req.params.runId),
        String(req.params.stage),
        String(req.params.name),
      );
      res.status(200);
      res.setHeader('content-type', download.isDirectory ? 'application/x-tar' : 'application/octet-stream');
      res.setHeader('content-length', download.size.toString());
      res.setHeader('content-disposition', attachment(download.fileName));
      res.setHeader('x-checksum-sha256', download.sha256);
      await pipeTo(download.body, res);
    });
  });

  router.get('/runs/:runId/logs', async (req, res) => {
    await respond(res, logger, async () => {
      const user = await signedIn(services, req);
      const stage = typeof req.query.stage === 'string' && req.query.stage !== '' ? req.query.stage : undefined;
      const runId = String(req.params.runId);
      const chunks = services.runDownloads.logText(user, runId, stage);
      // The first page is read before the headers go out, so access errors still get their status.
      const first = await chunks.next();
      res.status(200);
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-disposition', attachment(`run-${runId}${stage ? `-${stage}` : ''}.log`));
      if (!first.done) await write(res, first.value);
      for await (const chunk of chunks) await write(res, chunk);
      res.end();
    });
  });

  return router;
}

async function signedIn(services: Services, req: Request) {
  const user = await services.identity.authenticate(req.headers.authorization);
  if (!user) throw new AppError('UNAUTHENTICATED', 'sign in first: send "Authorization: Bearer <token>"');
  return user;
}

async function respond(res: Response, logger: Logger, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (res.headersSent) {
      logger.error({ err: error }, 'download broke off');
      res.destroy();
      return;
    }
    if (error instanceof AppError && STATUS[error.code]) {
      res.status(STATUS[error.code] as number).json({ error: { code: error.code, message: error.message } });
      return;
    }
    logger.error({ err: error }, 'download failed');
    res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'the download failed' } });
  }
}

function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Writes with back-pressure: a slow client does not make the server buffer the whole log. */
function write(res: Response, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('the client went away'));
    if (res.write(chunk)) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function pipeTo(body: NodeJS.ReadableStream, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    body.once('error', reject);
    res.once('close', () => resolve());
    body.pipe(res);
  });
}
