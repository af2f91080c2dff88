import type { AppError } from '../errors/app-error.js';
import type { SessionCookie } from '../http/session-cookie.js';
import type { Logger } from '../logging/logger.js';
import type { AuthUser, Credential } from '../modules/identity/identity.service.js';
import type { Loaders } from '../modules/loaders.js';
import type { Services } from '../services.js';
import type { PendingAnswer } from './query-cache/query-cache.js';

/** What every resolver sees: the caller, the services and a request-scoped logger. */
export interface GraphQLContext {
  user: AuthUser | undefined;
  /** The session or API token the caller came with (logout ends it). */
  credential?: Credential;
  /** Why a presented token was not accepted; `@Authorized` fields report it. */
  authError?: AppError;
  services: Services;
  /** Fresh per request (per operation over WebSocket). */
  loaders: Loaders;
  logger: Logger;
  requestId: string;
  /** The caller's address (see CYCLONE_TRUST_PROXY); login limits count failures per address. */
  clientIp?: string;
  /** The User-Agent header, kept with a new session. */
  userAgent?: string;
  /** Over HTTP: sets or clears the web's httpOnly session cookie on this response. */
  sessionCookie?: SessionCookie;
  /** Set on a query-cache miss over HTTP: the plugin marks whether the answer may be kept. */
  queryCache?: PendingAnswer;
}
