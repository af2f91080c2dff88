import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SyncStateRow } from '../../modules/sync/sync-status.loaders.js';
import type { GraphQLContext } from '../context.js';
import { ProjectType } from '../types/project.type.js';
import { SyncStateValue, SyncStatusType } from '../types/sync-status.type.js';
import { TenantType } from '../types/tenant.type.js';
import { WorkflowType } from '../types/workflow.type.js';

/** A sync state as shown: PENDING when the row changed after the last successful apply. */
export function toSyncStatus(row: SyncStateRow | undefined, updatedAt: Date | undefined): SyncStatusType | null {
  if (!row) return null;
  const isStale =
    row.phase === 'SYNCED' && updatedAt !== undefined && (row.sourceUpdatedAt?.getTime() ?? 0) < updatedAt.getTime();
  return {
    state: isStale ? SyncStateValue.PENDING : (row.phase as SyncStateValue),
    syncedAt: row.syncedAt,
    generation: row.generation,
    error: row.lastError,
  };
}

async function load(ctx: GraphQLContext, type: string, root: { id: string; updatedAt?: Date }) {
  return toSyncStatus(await ctx.loaders.syncStateByKey.load(`${type}/${root.id}`), root.updatedAt);
}

const description = 'The Kubernetes mirror of this object (null without a cluster).';

@Resolver(() => TenantType)
export class TenantSyncStatusResolver {
  @FieldResolver(() => SyncStatusType, {
    nullable: true,
    description: `${description} Covers the namespace, quota, RBAC and network policy.`,
  })
  syncStatus(@Root() tenant: TenantType, @Ctx() ctx: GraphQLContext): Promise<SyncStatusType | null> {
    return load(ctx, 'tenant', tenant as unknown as { id: string; updatedAt?: Date });
  }
}

@Resolver(() => ProjectType)
export class ProjectSyncStatusResolver {
  @FieldResolver(() => SyncStatusType, { nullable: true, description })
  syncStatus(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<SyncStatusType | null> {
    return load(ctx, 'project', project as unknown as { id: string; updatedAt?: Date });
  }
}

@Resolver(() => WorkflowType)
export class WorkflowSyncStatusResolver {
  @FieldResolver(() => SyncStatusType, {
    nullable: true,
    description: `${description} Covers the Workflow and its Stage resources.`,
  })
  syncStatus(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<SyncStatusType | null> {
    return load(ctx, 'workflow', workflow);
  }
}
