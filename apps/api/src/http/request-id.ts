import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const VALID_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A caller's X-Request-Id when sane, otherwise a new one. */
export function requestIdFor(given: string | string[] | undefined): string {
  return typeof given === 'string' && VALID_ID.test(given) ? given : randomUUID();
}

/** Keeps a caller's X-Request-Id (when sane) or makes one, and echoes it back. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdFor(req.headers['x-request-id']);
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
