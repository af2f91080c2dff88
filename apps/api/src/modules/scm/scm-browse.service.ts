import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { badInput, notFound } from '../../errors/app-error.js';
import type { Integration, WebhookDelivery } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireTenantRole } from '../shared/access.js';
import { parseInput } from '../shared/validate-input.js';
import { SCM_INTEGRATION_TYPES } from '../triggers/triggers.rules.js';
import { createScmProvider } from './create-provider.js';
import { ScmError, type ScmRef, type ScmRepo, scmServerFailure } from './scm-provider.js';

const firstSchema = z.number().int().min(1).max(1000);
const repoSchema = z.string().trim().min(1, 'must not be empty').max(1000);

/**
 * Reads for the web's SCM trigger form (repositories and branches, through the
 * providers, for any tenant member: the credentials stay on the server) and the
 * recent webhook deliveries of an integration (tenant ADMINs: they show forged traffic).
 */
export class ScmBrowseService {
  constructor(private readonly deps: { db: Db; box: SecretBox }) {}

  async repositories(user: AuthUser, integrationId: string, first: number): Promise<ScmRepo[]> {
    const limit = parseInput(firstSchema, first, 'first');
    const row = await this.loadScm(user, integrationId);
    return (await this.call(row, (p) => p.listRepos())).slice(0, limit);
  }

  async branches(user: AuthUser, integrationId: string, repo: string): Promise<ScmRef[]> {
    const name = parseInput(repoSchema, repo, 'repo');
    const row = await this.loadScm(user, integrationId);
    return this.call(row, (p) => p.listBranches(name));
  }

  async deliveries(user: AuthUser, integrationId: string, first: number): Promise<WebhookDelivery[]> {
    const limit = parseInput(firstSchema, first, 'first');
    const row = await this.deps.db.integration.findUnique({ where: { id: integrationId }, include: { tenant: true } });
    if (!row) throw notFound('integration');
    await requireTenantRole(this.deps.db, user, row.tenant.name, 'ADMIN');
    return this.deps.db.webhookDelivery.findMany({
      where: { integrationId },
      orderBy: { receivedAt: 'desc' },
      take: limit,
    });
  }

  runsByIds(ids: string[]) {
    return this.deps.db.workflowRun.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } });
  }

  private async loadScm(user: AuthUser, integrationId: string): Promise<Integration> {
    const row = await this.deps.db.integration.findUnique({ where: { id: integrationId }, include: { tenant: true } });
    if (!row) throw notFound('integration');
    await requireTenantRole(this.deps.db, user, row.tenant.name, 'VIEWER');
    if (!(SCM_INTEGRATION_TYPES as readonly string[]).includes(row.type)) {
      throw badInput(
        'integration',
        `integration "${row.name}" is ${row.type}; SCM integrations are ${SCM_INTEGRATION_TYPES.join(', ')}`,
      );
    }
    return row;
  }

  private async call<T>(row: Integration, action: (p: ReturnType<typeof createScmProvider>) => Promise<T>): Promise<T> {
    const provider = createScmProvider({
      type: row.type,
      config: row.config,
      secret: this.deps.box.openJson(row.secretCiphertext),
    });
    try {
      return await action(provider);
    } catch (error) {
      if (!(error instanceof ScmError)) throw error;
      throw scmServerFailure(row.name, error, 'integration');
    }
  }
}
