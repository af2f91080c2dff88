import { dnsLabelSchema, LIMITS } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { conflict, notFound } from '../../errors/app-error.js';
import type { Integration, Prisma } from '../../generated/prisma/client.js';
import { IntegrationType } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { checkIntegration } from '../integration-checks/check-integration.js';
import { type CheckResult } from '../integration-checks/check-result.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { tenantObjectMutation } from '../shared/scoped-mutation.js';
import { parseInput } from '../shared/validate-input.js';
import {
  deleteIntegrationRow,
  findIntegration,
  findIntegrationUsers,
  insertIntegration,
  listIntegrations,
  updateIntegrationRow,
} from './integrations.repository.js';
import { checkComplete, type IntegrationSecret, mergeSecret, parseConfig, parseSecret } from './integrations.rules.js';
import type { SecretBox } from './secret-box.js';

const createSchema = z.object({
  tenant: z.string(),
  name: dnsLabelSchema,
  type: z.enum(IntegrationType),
  description: z.string().max(LIMITS.stringLength).default(''),
  config: z.unknown().optional(),
  secret: z.unknown().optional(),
});
const updateSchema = z.object({
  tenant: z.string(),
  name: z.string(),
  description: z.string().max(LIMITS.stringLength).optional(),
  config: z.unknown().optional(),
  secret: z.unknown().optional(),
});
const refSchema = z.object({ tenant: z.string(), name: z.string() });
const integrationMutation = tenantObjectMutation('Integration');

export interface IntegrationTestOutcome extends CheckResult {
  checkedAt: Date;
}

/**
 * Integrations: external systems and their credentials. Config is plain JSON any
 * member may read; the secret JSON is sealed with the SecretBox before it reaches
 * the database and is never returned, logged or audited.
 */
export class IntegrationService {
  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      box: SecretBox;
      /** Per-check time limit (config CYCLONE_INTEGRATION_CHECK_TIMEOUT_MS). */
      checkTimeoutMs?: number;
    },
  ) {}

  create(user: AuthUser, raw: unknown): Promise<Integration> {
    const input = parseInput(createSchema, raw);
    return integrationMutation(this.deps, user, 'integration.create', input, 'ADMIN', async (tx, tenantId) => {
      const config = parseConfig(input.type, input.config ?? {}, 'input.config');
      const secret = parseSecret(input.type, input.secret ?? {}, 'input.secret');
      checkComplete(input.type, config, secret);
      return insertIntegration(tx, {
        tenantId,
        name: input.name,
        type: input.type,
        description: input.description,
        config: config as Prisma.InputJsonObject,
        ...this.sealed(secret),
      });
    });
  }

  update(user: AuthUser, raw: unknown): Promise<Integration> {
    const input = parseInput(updateSchema, raw);
    return integrationMutation(this.deps, user, 'integration.update', input, 'ADMIN', async (tx, tenantId) => {
      const row = await loadIntegration(tx, tenantId, input);
      const config =
        input.config === undefined || input.config === null
          ? (row.config as Record<string, unknown>)
          : parseConfig(row.type, input.config, 'input.config');
      const secret =
        input.secret === undefined || input.secret === null
          ? undefined
          : mergeSecret(row.type, this.deps.box.openJson(row.secretCiphertext), input.secret, 'input.secret');
      checkComplete(row.type, config, secret ?? this.deps.box.openJson(row.secretCiphertext));
      return updateIntegrationRow(tx, row.id, {
        description: input.description ?? undefined,
        config: config as Prisma.InputJsonObject,
        ...(secret ? this.sealed(secret) : {}),
      });
    });
  }

  delete(user: AuthUser, raw: unknown): Promise<boolean> {
    const input = parseInput(refSchema, raw);
    return integrationMutation(this.deps, user, 'integration.delete', input, 'ADMIN', async (tx, tenantId) => {
      const row = await loadIntegration(tx, tenantId, input);
      const users = await findIntegrationUsers(tx, row.tenantId, row.id, row.name);
      const uses = [...users.resources.map((r) => `resource ${r}`), ...users.triggers.map((t) => `trigger ${t}`)];
      if (uses.length > 0) {
        throw conflict(`integration "${row.name}" is still used by ${uses.join(', ')}; change or delete those first`);
      }
      await deleteIntegrationRow(tx, row.id);
      return true;
    });
  }

  /**
   * The real per-type check (modules/integration-checks): audited like any mutation;
   * the network check runs after the transaction, not inside it.
   */
  async test(user: AuthUser, raw: unknown): Promise<IntegrationTestOutcome> {
    const input = parseInput(refSchema, raw);
    const row = await integrationMutation(this.deps, user, 'integration.test', input, 'DEVELOPER', (tx, tenantId) =>
      loadIntegration(tx, tenantId, input),
    );
    const result = await checkIntegration(
      {
        type: row.type,
        config: row.config as Record<string, unknown>,
        secret: this.deps.box.openJson(row.secretCiphertext),
      },
      this.deps.checkTimeoutMs,
    );
    return { ...result, checkedAt: new Date() };
  }

  async list(user: AuthUser, tenantName: string, type?: IntegrationType): Promise<Integration[]> {
    const { tenant } = await requireTenantRole(this.deps.db, user, tenantName, 'VIEWER');
    return listIntegrations(this.deps.db, tenant.id, type);
  }

  async get(user: AuthUser, tenantName: string, name: string): Promise<Integration | null> {
    const { tenant } = await requireTenantRole(this.deps.db, user, tenantName, 'VIEWER');
    return findIntegration(this.deps.db, tenant.id, name);
  }

  private sealed(secret: IntegrationSecret) {
    return { secretCiphertext: this.deps.box.sealJson(secret), secretKeys: Object.keys(secret).sort() };
  }
}

async function loadIntegration(tx: Tx, tenantId: string, ref: { tenant: string; name: string }): Promise<Integration> {
  const row = await findIntegration(tx, tenantId, ref.name);
  if (!row) throw notFound(`integration "${ref.name}" in tenant "${ref.tenant}"`);
  return row;
}
