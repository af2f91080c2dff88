import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { NamedObjectFields } from './named-object.type.js';
import { ProjectScopeInput, TenantObjectRefFields } from './scope.type.js';

/**
 * A project groups workflows, resources and stages of one tenant. Other modules add
 * their fields (`workflows`, `resources`, `stages`) with `@FieldResolver(() => …)` in
 * a `@Resolver(() => ProjectType)` of their own; `tenant` and `creator` are resolved
 * by the project resolver.
 */
@ObjectType('Project', {
  simpleResolvers: true,
  description: 'A group of workflows, resources and stages inside a tenant.',
})
export class ProjectType extends NamedObjectFields {
  /** Not exposed directly: field resolvers load the tenant and the creator. */
  tenantId!: string;
  createdById!: string | null;
}

@InputType({ description: 'Names one project of a tenant.' })
export class ProjectRefInput extends TenantObjectRefFields {}

@InputType()
export class CreateProjectInput extends ProjectRefInput {
  @Field(() => String, { description: 'A DNS label, unique in the tenant.' })
  declare name: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@InputType()
export class UpdateProjectInput extends ProjectRefInput {
  @Field(() => String, { nullable: true, description: 'The new description; unchanged when omitted.' })
  description?: string;
}

@ArgsType()
@InputType({ description: 'Names one object (resource, stage) of a project.' })
export class ProjectObjectRefInput extends ProjectScopeInput {
  @Field(() => String)
  name!: string;
}
