import type { Db } from '../../db/prisma.js';
import { type AppError, badInput } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { createScmProvider, hasScmCredentials } from '../scm/create-provider.js';
import type { Tx } from '../shared/mutation.js';

/** Types whose servers have a webhook API; SVN and plain Git use hook scripts instead. */
const REGISTERED_TYPES = new Set(['GITHUB', 'GITLAB', 'BITBUCKET']);

export interface RepoRef {
  integrationId: string;
  repo: string;
}

/** Undoes a registration when the transaction that needed it does not commit. */
export type Undo = () => Promise<void>;

export function webhookUrl(publicUrl: string, integrationId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${integrationId}`;
}

/**
 * Keeps one repository webhook per (integration, repository) that SCM triggers use.
 * Called inside the trigger mutation's transaction: the server is asked before the
 * commit, and a failure there fails the mutation with nothing written. Integrations
 * without a token/password or without a webhookSecret are left to the user (the
 * trigger shows the URL to register by hand).
 */
export class RepositoryWebhooks {
  constructor(private readonly deps: { box: SecretBox; publicUrl: string; logger: Logger }) {}

  async register(tx: Tx, ref: RepoRef, field: string): Promise<Undo | undefined> {
    // FOR SHARE: the orphan sweep cannot remove this hook while the new trigger commits.
    const existing = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM repository_webhooks
      WHERE integration_id = ${ref.integrationId}::uuid AND repo = ${ref.repo} FOR SHARE`;
    if (existing.length > 0) return undefined;
    const integration = await this.open(tx, ref.integrationId);
    if (!integration) return undefined;
    const url = webhookUrl(this.deps.publicUrl, ref.integrationId);
    const provider = createScmProvider(integration);
    let hookId: string;
    try {
      hookId = (await provider.createWebhook(ref.repo, { url, secret: integration.secret.webhookSecret as string })).id;
    } catch (error) {
      throw scmFailure(field, `could not register the webhook on ${integration.type} for "${ref.repo}"`, error);
    }
    await tx.repositoryWebhook.create({ data: { integrationId: ref.integrationId, repo: ref.repo, hookId, url } });
    return async () => {
      await provider.deleteWebhook(ref.repo, hookId).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, repo: ref.repo }, 'could not remove a webhook after a failed mutation');
      });
    };
  }

  /** Removes the repository's webhook when no SCM trigger on it is left. */
  async releaseIfUnused(tx: Tx, ref: RepoRef, field: string): Promise<void> {
    const [hook] = await tx.$queryRaw<{ id: string; hook_id: string }[]>`
      SELECT id, hook_id FROM repository_webhooks
      WHERE integration_id = ${ref.integrationId}::uuid AND repo = ${ref.repo} FOR UPDATE`;
    if (!hook) return;
    const users = await tx.workflowTrigger.count({
      where: {
        type: 'SCM',
        AND: [
          { spec: { path: ['scm', 'integrationId'], equals: ref.integrationId } },
          { spec: { path: ['scm', 'repo'], equals: ref.repo } },
        ],
      },
    });
    if (users > 0) return;
    const integration = await this.open(tx, ref.integrationId);
    if (integration) {
      try {
        await createScmProvider(integration).deleteWebhook(ref.repo, hook.hook_id);
      } catch (error) {
        throw scmFailure(field, `could not remove the webhook on ${integration.type} for "${ref.repo}"`, error);
      }
    }
    await tx.repositoryWebhook.delete({ where: { id: hook.id } });
  }

  /**
   * Removes hooks no SCM trigger uses any more: those left behind when a workflow or
   * project was deleted with its triggers. Returns how many were removed; a server
   * that cannot be reached leaves the hook for the next pass.
   */
  async sweepOrphans(db: Db): Promise<number> {
    const orphans = await db.$queryRaw<{ integration_id: string; repo: string }[]>`
      SELECT h.integration_id, h.repo FROM repository_webhooks h
      WHERE NOT EXISTS (
        SELECT 1 FROM workflow_triggers t
        WHERE t.type = 'SCM' AND t.spec->'scm'->>'integrationId' = h.integration_id::text
          AND t.spec->'scm'->>'repo' = h.repo)
      LIMIT 20`;
    let removed = 0;
    for (const orphan of orphans) {
      const ref = { integrationId: orphan.integration_id, repo: orphan.repo };
      try {
        await db.$transaction((tx) => this.releaseIfUnused(tx, ref, 'repo'));
        removed++;
      } catch (error) {
        this.deps.logger.warn({ err: error, repo: ref.repo }, 'could not remove an unused repository webhook');
      }
    }
    return removed;
  }

  private async open(tx: Tx, integrationId: string) {
    const row = await tx.integration.findUnique({ where: { id: integrationId } });
    if (!row || !REGISTERED_TYPES.has(row.type)) return undefined;
    const secret = this.deps.box.openJson(row.secretCiphertext);
    const integration = { type: row.type, config: row.config, secret };
    return secret.webhookSecret && hasScmCredentials(integration) ? integration : undefined;
  }
}

function scmFailure(field: string, what: string, error: unknown): AppError {
  const reason = (error as Error).message;
  return badInput(field, `${what}: ${reason}; check the integration's server and token and the repository name`);
}
