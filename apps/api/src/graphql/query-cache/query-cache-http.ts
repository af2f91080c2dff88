import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { GraphQLContext } from '../context.js';
import type { QueryCache } from './query-cache.js';
import type { UncacheableFields } from './uncacheable-fields.js';

/** The caller of one HTTP request, authenticated once by the fast path and reused by the context. */
export type RequestAuth = Pick<GraphQLContext, 'user' | 'authError'>;

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
      if (
        !cache?.isEnabled ||
        req.method !== 'POST' ||
        auth.authError ||
        !body ||
        typeof body !== 'object' ||
        Array.isArray(body) ||
        typeof (body as { query?: unknown }).query !== 'string'
      ) {
        next();
        return;
      }
      const key = cache.keyOf(auth.user?.id ?? '', req.headers.accept, body as Record<string, unknown>);
      let answer = cache.lookup(key);
      const executing = answer ? undefined : cache.inFlight(key);
      if (executing) {
        await executing;
        answer = cache.lookup(key);
      }
      if (answer) {
        res.statusCode = 200;
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value as string);
        res.end(answer.body);
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
  onMutation: () => void;
}): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ operation, response, document }) {
          if (operation?.operation === 'mutation') deps.onMutation();
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
