import { Field, ID, InputType, ObjectType } from 'type-graphql';

/**
 * A project groups workflows, resources and stages of one tenant. Other modules add
 * their fields (`workflows`, `resources`, `stages`) with `@FieldResolver(() => …)` in
 * a `@Resolver(() => ProjectType)` of their own; `tenant` and `creator` are resolved
 * by the project resolver.
 */
@ObjectType('Project', { description: 'A group of workflows, resources and stages inside a tenant.' })
export class ProjectType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  /** Not exposed directly: field resolvers load the tenant and the creator. */
  tenantId!: string;
  createdById!: string | null;
}

@InputType({ description: 'Names one project of a tenant.' })
export class ProjectRefInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  name!: string;
}

@InputType()
export class CreateProjectInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String, { description: 'A DNS label, unique in the tenant.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@InputType()
export class UpdateProjectInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The new description; unchanged when omitted.' })
  description?: string;
}
