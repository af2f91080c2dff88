import type { Config } from './config/config.js';
import type { Db } from './db/prisma.js';
import type { Logger } from './logging/logger.js';
import { IdentityRepository } from './modules/identity/identity.repository.js';
import { IdentityService } from './modules/identity/identity.service.js';

/** Every domain service, wired once per process. */
export interface Services {
  identity: IdentityService;
}

export function createServices(db: Db, config: Config, logger: Logger): Services {
  return {
    identity: new IdentityService(new IdentityRepository(db), { sessionTtlMs: config.identity.sessionTtlMs }, logger),
  };
}
