import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { clusterConditions } from '../../kube-sync/cluster-conditions.js';
import { executionClusterName } from '../../kube-sync/cluster-registration.js';
import type { GraphQLContext } from '../context.js';
import { ExecutionClusterType } from '../types/execution-cluster.type.js';
import { IntegrationObject } from '../types/integration.type.js';

@Resolver(() => IntegrationObject)
export class IntegrationExecutionClusterResolver {
  @FieldResolver(() => ExecutionClusterType, {
    nullable: true,
    description:
      'For a KUBERNETES integration: its worker cluster and conditions from the last registration pass (null without a cluster, or before the first pass).',
  })
  async executionCluster(
    @Root() integration: IntegrationObject,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ExecutionClusterType | null> {
    if (integration.type !== 'KUBERNETES') return null;
    const row = await ctx.loaders.syncStateByKey.load(`cluster/${integration.id}`);
    if (!row) return null;
    const tenant = integration.tenantId ? await ctx.loaders.tenantById.load(integration.tenantId) : undefined;
    // The pass's outcome, read back from its sync state: the same conditions as on the resource.
    const checkedAt = row.syncedAt ?? new Date(0);
    const conditions = clusterConditions({ error: row.phase === 'ERROR' ? row.lastError : null }, undefined, checkedAt);
    return {
      name: executionClusterName(tenant?.name ?? '', integration.name),
      conditions: conditions.map((c) => ({ ...c, lastTransitionTime: new Date(c.lastTransitionTime) })),
      syncedAt: row.phase === 'SYNCED' ? row.syncedAt : null,
    };
  }
}
