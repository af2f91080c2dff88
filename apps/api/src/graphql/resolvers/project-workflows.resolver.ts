import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { PageArgs } from '../relay.js';
import { ProjectType } from '../types/project.type.js';
import { WorkflowConnection, WorkflowFilter, WorkflowOrder, WorkflowType } from '../types/workflow.type.js';

/** Project.workflows and Project.workflowsConnection (the project itself is already authorized). */
@Resolver(() => ProjectType)
export class ProjectWorkflowsResolver {
  @FieldResolver(() => [WorkflowType], { description: 'Every workflow of the project, by name.' })
  workflows(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflowsByProjectId.load(project.id);
  }

  @FieldResolver(() => WorkflowConnection, { description: 'Workflows with cursors, a name filter and an order.' })
  workflowsConnection(
    @Root() project: ProjectType,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg('filter', () => WorkflowFilter, { nullable: true }) filter: WorkflowFilter | undefined,
    @Arg('orderBy', () => WorkflowOrder, { nullable: true }) orderBy: WorkflowOrder | undefined,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.workflowsPresenter.workflowsConnection(project.id, {
      first,
      after: after ?? undefined,
      nameContains: filter?.nameContains ?? undefined,
      orderBy: orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'ASC' } : undefined,
    });
  }
}
