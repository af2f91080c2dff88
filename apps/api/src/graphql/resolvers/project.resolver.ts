import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../errors/app-error.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import { type TenantView, toTenantView } from '../../modules/tenants/tenants.presenter.js';
import type { GraphQLContext } from '../context.js';
import { CreateProjectInput, ProjectRefInput, ProjectType, UpdateProjectInput } from '../types/project.type.js';
import { TenantType } from '../types/tenant.type.js';
import { UserType } from '../types/user.type.js';

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Authorized()
  @Query(() => ProjectType, {
    nullable: true,
    description: 'A project of a tenant you are a member of. NOT_FOUND when it does not exist or you are not a member.',
  })
  project(
    @Arg('tenant', () => String) tenant: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType> {
    return ctx.services.projectsPresenter.getProject(ctx.user as AuthUser, tenant, name);
  }

  @Authorized()
  @Mutation(() => ProjectType, { description: 'Creates a project (DEVELOPER and up).' })
  createProject(
    @Arg('input', () => CreateProjectInput) input: CreateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType> {
    return ctx.services.projects.createProject(ctx.user as AuthUser, input);
  }

  @Authorized()
  @Mutation(() => ProjectType, { description: "Changes a project's description (DEVELOPER and up)." })
  updateProject(
    @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType> {
    return ctx.services.projects.updateProject(ctx.user as AuthUser, input);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Deletes a project with its workflows, resources and stages (ADMIN and up). Refused with CONFLICT, naming the runs, while any run of its workflows is PENDING, RUNNING or WAITING: stop them or let them finish first.',
  })
  deleteProject(
    @Arg('input', () => ProjectRefInput) input: ProjectRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.projects.deleteProject(ctx.user as AuthUser, input);
  }

  @FieldResolver(() => TenantType)
  async tenant(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<TenantView> {
    const row = await ctx.loaders.tenantById.load(project.tenantId);
    if (!row) throw new AppError('INTERNAL_SERVER_ERROR', 'the project has no tenant');
    return toTenantView(row);
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'Who created the project, if still a user.' })
  async creator(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<UserType | undefined> {
    return project.createdById ? ctx.loaders.userById.load(project.createdById) : undefined;
  }
}
