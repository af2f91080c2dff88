import type { Tx } from '../shared/mutation.js';
import type { RepoRef, RepositoryWebhooks, Undo } from './repository-webhooks.js';

interface TriggerLike {
  type: string;
  spec: unknown;
}

/** The (integration, repository) an SCM trigger row listens to. */
export function scmRepoOf(row: TriggerLike | null | undefined): RepoRef | undefined {
  if (row?.type !== 'SCM') return undefined;
  const scm = (row.spec as { scm?: { integrationId?: string; repo?: string } }).scm;
  return scm?.integrationId && scm.repo ? { integrationId: scm.integrationId, repo: scm.repo } : undefined;
}

/**
 * Keeps repository webhooks in step with one trigger mutation: registers the hook a
 * new or changed SCM trigger needs and removes the one the last trigger of a
 * repository leaves behind. Hooks created on the server are deleted again when the
 * mutation does not commit.
 */
export async function syncTriggerWebhooks<T>(
  webhooks: RepositoryWebhooks | undefined,
  work: (sync: {
    /** `field` names the repository in errors (applyManifests: the document's scm.repo). */
    register(tx: Tx, row: TriggerLike, field?: string): Promise<void>;
    release(tx: Tx, before: TriggerLike | null, field?: string): Promise<void>;
  }) => Promise<T>,
): Promise<T> {
  const undos: Undo[] = [];
  const sync = {
    async register(tx: Tx, row: TriggerLike, field = 'input.scm.repo') {
      const ref = scmRepoOf(row);
      const undo = webhooks && ref ? await webhooks.register(tx, ref, field) : undefined;
      if (undo) undos.push(undo);
    },
    async release(tx: Tx, before: TriggerLike | null, field = 'input.scm.repo') {
      const ref = scmRepoOf(before);
      if (webhooks && ref) await webhooks.releaseIfUnused(tx, ref, field);
    },
  };
  try {
    return await work(sync);
  } catch (error) {
    for (const undo of undos) await undo();
    throw error;
  }
}
