import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { runMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { createApiTokenSchema } from './identity.inputs.js';
import { type IdentityRepository, identityWrites } from './identity.repository.js';
import type { AuthUser } from './identity.service.js';
import { generateToken, hashToken } from './token.js';

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Long-lived bearer tokens of a user, for the CLI and other tools. */
export class ApiTokensService {
  constructor(
    private readonly deps: { db: Db; logger: Logger },
    private readonly repository: IdentityRepository,
  ) {}

  /** Returns the token itself once; only its hash is stored. */
  createApiToken(
    actor: AuthUser,
    input: { name: string; expiresAt?: Date | null },
  ): Promise<{ token: string; apiToken: ApiTokenView }> {
    const subject = { action: 'apiToken.create', objectType: 'ApiToken', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx) => {
      const parsed = parseInput(createApiTokenSchema, input);
      if (parsed.expiresAt && parsed.expiresAt.getTime() <= Date.now()) {
        throw badInput('input.expiresAt', 'must be in the future');
      }
      const existing = await identityWrites.findApiTokenByName(tx, actor.id, parsed.name);
      if (existing && !existing.revokedAt) {
        throw conflict(`you already have an API token named "${parsed.name}"; revoke it or pick another name`);
      }
      // A revoked token is dead; its name may be reused.
      if (existing) await identityWrites.deleteApiToken(tx, existing.id);
      const token = generateToken('api');
      const apiToken = await identityWrites.createApiToken(tx, {
        userId: actor.id,
        name: parsed.name,
        tokenHash: hashToken(token),
        expiresAt: parsed.expiresAt ?? null,
      });
      return { token, apiToken: toView(apiToken) };
    });
  }

  /** Only the caller's own tokens; revoking twice is harmless. */
  revokeApiToken(actor: AuthUser, id: string): Promise<ApiTokenView> {
    const subject = { action: 'apiToken.revoke', objectType: 'ApiToken', objectName: id };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const token = UUID.test(id) ? await identityWrites.findOwnApiToken(tx, actor.id, id) : null;
      if (!token) throw notFound(`API token "${id}"`);
      audited.objectName = token.name;
      if (token.revokedAt) return toView(token);
      return toView(await identityWrites.revokeApiToken(tx, token.id, new Date()));
    });
  }

  async listApiTokens(actor: AuthUser): Promise<ApiTokenView[]> {
    return (await this.repository.listApiTokens(actor.id)).map(toView);
  }
}

function toView(row: ApiTokenView & Record<string, unknown>): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}
