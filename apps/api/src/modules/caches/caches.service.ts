import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { ProjectRow } from '../projects/projects.service.js';
import { requireProject, requireTenantRole } from '../shared/access.js';
import { type AuditSubject, runMutation, type Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import {
  type CacheEntrySelection,
  deleteCacheEntries,
  hasCacheKey,
  recordCacheEntry,
  takeCacheEntry,
} from './caches.repository.js';
import { measureProjectStorage, type ProjectStorage } from './storage-usage.repository.js';

const deleteSchema = z.object({ tenant: z.string().min(1).max(253), key: z.string().min(1).max(512) });
const cleanSchema = z.object({ tenant: z.string().min(1).max(253), project: z.string().min(1).max(253) });

export interface CacheEntryView {
  id: string;
  key: string;
  size: bigint;
  project: string | null;
  savedBy: string;
  createdAt: Date;
  lastUsedAt: Date;
}

/** A project of the tenant with the bytes it keeps in storage. */
export interface ProjectStorageView extends ProjectStorage {
  project: ProjectRow;
}

/**
 * A tenant's stage caches: listed by its members, deleted by developers and above; and
 * the storage view of its projects (caches, artifacts, logs).
 */
export class CachesService {
  constructor(private readonly deps: { db: Db; logger: Logger; store: ArtifactStore }) {}

  /** The tenant's entries, most recently used first. */
  async list(user: AuthUser, tenantName: string): Promise<CacheEntryView[]> {
    const { tenant } = await requireTenantRole(this.deps.db, user, tenantName, 'VIEWER');
    const rows = await this.deps.db.stageCache.findMany({
      where: { tenantId: tenant.id },
      orderBy: [{ lastUsedAt: 'desc' }, { key: 'asc' }],
      include: { project: { select: { name: true } } },
    });
    return rows.map((row) => ({
      id: row.id,
      key: row.key,
      size: row.size,
      project: row.project?.name ?? null,
      savedBy: row.savedBy,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
    }));
  }

  /** Deletes one entry by key; its archive leaves the store once the row is gone. */
  async delete(user: AuthUser, raw: unknown): Promise<boolean> {
    const input = parseInput(deleteSchema, raw);
    await this.deleteEntries(
      user,
      { action: 'cache.delete', objectType: 'StageCache', objectName: input.key },
      async (tx) => {
        const { tenant } = await requireTenantRole(tx, user, input.tenant, 'DEVELOPER');
        return {
          tenantId: tenant.id,
          where: { key: input.key },
          missing: `cache "${input.key}" in tenant "${input.tenant}"`,
        };
      },
    );
    return true;
  }

  /** Deletes every entry a project saved (cleanCaches); returns how many. */
  async clean(user: AuthUser, raw: unknown): Promise<number> {
    const input = parseInput(cleanSchema, raw);
    return this.deleteEntries(
      user,
      { action: 'cache.clean', objectType: 'Project', objectName: input.project },
      async (tx) => {
        const { tenant, project } = await requireProject(tx, user, input.tenant, input.project, 'DEVELOPER');
        return { tenantId: tenant.id, where: { projectId: project.id } };
      },
    );
  }

  /** Bytes each project of the tenant keeps (storageUsage), every project by name, zeros included. */
  async storageUsage(user: AuthUser, tenantName: string): Promise<ProjectStorageView[]> {
    const { tenant } = await requireTenantRole(this.deps.db, user, tenantName, 'VIEWER');
    const [projects, usage] = await Promise.all([
      this.deps.db.project.findMany({ where: { tenantId: tenant.id }, orderBy: { name: 'asc' } }),
      measureProjectStorage(this.deps.db, tenant.id),
    ]);
    const none: ProjectStorage = { cacheBytes: 0n, cacheEntries: 0, artifactBytes: 0n, logBytes: 0n };
    return projects.map((project) => ({ project, ...(usage.get(project.id) ?? none) }));
  }

  /**
   * The one way entries go (deleteCache, cleanCaches): the rows in an audited mutation,
   * then their archives from the store, which a failed removal only leaves behind.
   */
  private async deleteEntries(
    user: AuthUser,
    subject: AuditSubject,
    select: (tx: Tx) => Promise<{ tenantId: string; where: CacheEntrySelection; missing?: string }>,
  ): Promise<number> {
    const storageKeys = await runMutation(this.deps, user, subject, async (tx, audited) => {
      const { tenantId, where, missing } = await select(tx);
      audited.tenantId = tenantId;
      const deleted = await deleteCacheEntries(tx, tenantId, where);
      if (deleted.length === 0 && missing) throw notFound(missing);
      return deleted;
    });
    await Promise.all(
      storageKeys.map((storageKey) =>
        this.deps.store
          .remove(storageKey)
          .catch((error: unknown) =>
            this.deps.logger.warn({ err: error, storageKey }, 'could not remove a cache archive'),
          ),
      ),
    );
    return storageKeys.length;
  }

  /**
   * What a stage pod's caches act on (the stage-token routes): the run's tenant and
   * project, and who saves (`<workflow>/<stage>`).
   */
  async podScope(runId: string, stage: string): Promise<PodCacheScope> {
    const run = await this.deps.db.workflowRun.findUniqueOrThrow({
      where: { id: runId },
      select: { workflow: { select: { name: true, project: { select: { id: true, tenantId: true } } } } },
    });
    const { project } = run.workflow;
    return { tenantId: project.tenantId, projectId: project.id, savedBy: `${run.workflow.name}/${stage}` };
  }

  /** The entry a restore sends (exact key, else the newest of each prefix in turn), marked used. */
  take(tenantId: string, key: string, restoreKeys: readonly string[]) {
    return takeCacheEntry(this.deps.db, tenantId, key, [...restoreKeys]);
  }

  has(tenantId: string, key: string): Promise<boolean> {
    return hasCacheKey(this.deps.db, tenantId, key);
  }

  /** Records a stored archive as the tenant's entry, evicting past `maxBytes` (see recordCacheEntry). */
  record(entry: Parameters<typeof recordCacheEntry>[1], maxBytes: bigint) {
    return recordCacheEntry(this.deps.db, entry, maxBytes);
  }
}

/** The tenant, project and saver of a stage pod's caches. */
export interface PodCacheScope {
  tenantId: string;
  projectId: string | null;
  savedBy: string;
}
