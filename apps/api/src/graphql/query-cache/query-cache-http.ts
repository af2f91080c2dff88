import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../context.js';
import type { CachedAnswer, QueryCache } from './query-cache.js';
import type { UncacheableFields } from './uncacheable-fields.js';

/** The caller of one HTTP request, authenticated once by the fast path and reused by the context. */
export type RequestAuth = Pick<GraphQLContext, 'user' | 'credential' | 'authError'>;

/**
 * Express middleware in front of Apollo (after the JSON body parser): authenticates
 * the request (every time: validity, expiry and revocation are checked before any
 * answer is served), then answers a POSTed query from the cache when a current
 * answer is there, with the very bytes and headers the executed one was sent with.
 * On a miss it records what the Apollo plugin needs and keeps the answer Apollo sends.
 */
export function queryCacheFastPath(deps: {
  cache: QueryCache | undefined;
  authenticate: (authorization: string | undefined) => Promise<RequestAuth>;
}): RequestHandler {
  const { cache } = deps;
  return async (req, res, next) => {
    let auth: RequestAuth;
    try {
      auth = await deps.authenticate(req.headers.authorization);
    } catch {
      // E.g. the database is unreachable: Apollo's context tries again and reports it as usual.
      next();
      return;
    }
    try {
      res.locals.auth = auth;
      const body = req.body as unknown;
      if (!cache?.isEnabled || req.method !== 'POST' || auth.authError || !isSingleQuery(body)) {
        next();
        return;
      }
      const key = cache.keyOf(auth.user?.id ?? '', req.headers.accept, body);
      const answer = await currentAnswer(cache, key);
      if (answer) {
        sendAnswer(res, answer);
        return;
      }
      const pending = cache.begin(key);
      res.locals.queryCache = pending;
      // Whatever happens to this request (an error, a closed connection), waiters go on.
      res.once('close', pending.release);
      keepSentAnswer(res, (sent, headers) => cache.finish(pending, sent, headers));
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** One operation with a query text (batches and persisted-query-only requests are not cached). */
function isSingleQuery(body: unknown): body is Record<string, unknown> & { query: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as { query?: unknown }).query === 'string'
  );
}

/** A current answer for `key`, after waiting for an identical request being executed. */
async function currentAnswer(cache: QueryCache, key: string): Promise<CachedAnswer | undefined> {
  const answer = cache.lookup(key);
  if (answer) return answer;
  const executing = cache.inFlight(key);
  if (!executing) return undefined;
  await executing;
  return cache.lookup(key);
}

function sendAnswer(res: ServerResponse, answer: CachedAnswer): void {
  res.statusCode = 200;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value as string);
  res.end(answer.body);
}

const isJson = (type: string | undefined) => /^application\/(?:graphql-response\+)?json\b/i.test(type ?? '');

/**
 * The same answers, served before Express even sees the request: a hit then costs
 * reading the body, authenticating and one lookup (about half of what Express's
 * routing and body parsing add per request; docs/api.md). Only plain JSON POSTs to
 * /graphql with a Content-Length within the limit are read here; everything else,
 * and every miss, goes to `next` with the parsed body in `req.body` (the JSON parser
 * then has nothing left to read and keeps it).
 */
export function queryCacheFront(deps: {
  cache: QueryCache;
  maxBodyBytes: number;
  authenticate: (authorization: string | undefined) => Promise<RequestAuth>;
  /** Headers and bookkeeping every response gets (request id, metrics). */
  beforeAnswer: (req: IncomingMessage, res: ServerResponse) => void;
}) {
  const { cache } = deps;
  const front: QueryCacheFront = (req, res, next) => {
    const length = Number(req.headers['content-length']);
    if (
      !cache.isEnabled ||
      req.method !== 'POST' ||
      req.url !== '/graphql' ||
      !isJson(req.headers['content-type']) ||
      !Number.isInteger(length) ||
      length <= 0 ||
      length > deps.maxBodyBytes
    ) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', () => res.destroy());
    req.once('end', () => {
      serveOrPass(Buffer.concat(chunks).toString('utf8')).catch(() => next());
    });
    const serveOrPass = async (text: string) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        deps.beforeAnswer(req, res);
        res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
          }),
        );
        return;
      }
      (req as IncomingMessage & { body?: unknown }).body = body;
      if (!isSingleQuery(body)) {
        next();
        return;
      }
      const auth = await deps.authenticate(req.headers.authorization);
      if (auth.authError) {
        next();
        return;
      }
      const answer = await currentAnswer(cache, cache.keyOf(auth.user?.id ?? '', req.headers.accept, body));
      if (!answer) {
        next();
        return;
      }
      deps.beforeAnswer(req, res);
      sendAnswer(res, answer);
    };
  };
  return front;
}

export type QueryCacheFront = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Calls `keep` with what Apollo's Express integration sends (one `res.send` of a string). */
function keepSentAnswer(
  res: Response,
  keep: (body: Buffer | undefined, headers: ReturnType<Response['getHeaders']>) => void,
) {
  const send = res.send;
  res.send = function sendAndKeep(this: Response, body?: unknown) {
    res.send = send;
    const result = send.call(this, body);
    if (typeof body === 'string' && res.statusCode === 200 && !res.getHeader('set-cookie')) {
      keep(Buffer.from(body, 'utf8'), res.getHeaders());
    } else {
      keep(undefined, {});
    }
    return result;
  };
}

/**
 * Marks a miss cacheable when it was a query answered without errors and selecting
 * no uncacheable field; after a mutation, drops this process's cached answers at
 * once (before the response leaves) so that the caller reads its own writes even
 * before the database's notification arrives.
 */
export function queryCachePlugin(deps: {
  uncacheable: UncacheableFields;
  /** With the mutation's root field names (undefined: not plain fields). */
  onMutation: (rootFields: string[] | undefined) => void;
}): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ operation, response, document }) {
          if (operation?.operation === 'mutation') deps.onMutation(rootFieldNames(operation));
          const pending = contextValue.queryCache;
          if (!pending) return;
          pending.isCacheable =
            operation?.operation === 'query' &&
            response.body.kind === 'single' &&
            !response.body.singleResult.errors &&
            (response.http.status ?? 200) === 200 &&
            document !== undefined &&
            !deps.uncacheable.isSelectedIn(document);
        },
      };
    },
  };
}

function rootFieldNames(operation: OperationDefinitionNode): string[] | undefined {
  const names: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return undefined;
    names.push(selection.name.value);
  }
  return names;
}
