import type { ErrorRequestHandler } from 'express';

const MESSAGES: Record<string, string> = {
  'entity.too.large': 'the request body is too large',
  'entity.parse.failed': 'the request body is not valid JSON',
  'encoding.unsupported': 'the request body has an unsupported content encoding',
  'charset.unsupported': 'the request body has an unsupported charset',
  'request.aborted': 'the request was aborted',
};

/**
 * A body the JSON parser refuses (too large, not JSON) answered the way GraphQL errors
 * are, with the parser's status and a code, instead of Express' HTML error page.
 */
export const graphqlBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const { status, type, limit } = (error ?? {}) as { status?: number; type?: string; limit?: number };
  if (res.headersSent || typeof status !== 'number' || status >= 500 || !type || !(type in MESSAGES)) {
    next(error);
    return;
  }
  const message = type === 'entity.too.large' && limit ? `${MESSAGES[type]}: at most ${limit} bytes` : MESSAGES[type];
  // The contract's code for any input refused; the HTTP status says which kind.
  res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
};
