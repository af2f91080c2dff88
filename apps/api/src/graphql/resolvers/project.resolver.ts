import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError } from '../../errors/app-error.js';
import { type TenantView, toTenantView } from '../../modules/tenants/tenants.presenter.js';
import type { GraphQLContext } from '../context.js';
import { CreateProjectInput, ProjectRefInput, ProjectType, UpdateProjectInput } from '../types/project.type.js';
import { TenantObjectRefFields } from '../types/scope.type.js';
import { TenantType } from '../types/tenant.type.js';
import { UserType } from '../types/user.type.js';
import { crudResolver } from './crud-resolver.js';

@Resolver(() => ProjectType)
export class ProjectResolver extends crudResolver({
  name: 'Project',
  object: ProjectType,
  inputs: { create: CreateProjectInput, update: UpdateProjectInput, ref: ProjectRefInput },
  descriptions: {
    create: 'Creates a project (DEVELOPER and up).',
    update: "Changes a project's description (DEVELOPER and up).",
    delete:
      'Deletes a project with its workflows, resources and stages (ADMIN and up). Refused with CONFLICT, naming the runs, while any run of its workflows is PENDING, RUNNING or WAITING: stop them or let them finish first.',
  },
  service: (ctx) => ctx.services.projects,
  present: (project) => project,
  lookup: {
    name: 'project',
    args: TenantObjectRefFields,
    description: 'A project of a tenant you are a member of. NOT_FOUND when it does not exist or you are not a member.',
    get: (ctx, user, { tenant, name }) => ctx.services.projectsPresenter.getProject(user, tenant, name),
  },
}) {
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
