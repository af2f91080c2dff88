import { ArgsType, Field, ID, InputType } from 'type-graphql';

/**
 * Inputs name what they act on as users see it: a tenant, a project in it, a workflow
 * in that. These are parent classes only: the inputs that extend them are the schema's
 * types (no field uses these, so they are not in the schema themselves). As `@ArgsType`s
 * they are also the argument lists of the queries that look one object up by name
 * (`tenant`, `project`, `name`, in that order).
 */
@ArgsType()
@InputType('TenantScopeInput')
export class TenantScopeInput {
  @Field(() => String)
  tenant!: string;
}

/** One object of a tenant by name: a project, an integration, a stage template. */
@ArgsType()
@InputType('TenantObjectRefFieldsInput')
export class TenantObjectRefFields extends TenantScopeInput {
  @Field(() => String)
  name!: string;
}

@ArgsType()
@InputType('ProjectScopeInput')
export class ProjectScopeInput extends TenantScopeInput {
  @Field(() => String)
  project!: string;
}

@ArgsType()
@InputType('WorkflowScopeInput')
export class WorkflowScopeInput extends ProjectScopeInput {
  @Field(() => String)
  workflow!: string;
}

/** One stage of a run, by the run's id: what approving, rejecting or completing a stage acts on. */
@InputType('RunStageRefFieldsInput')
export abstract class RunStageRefFields {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  stage!: string;
}
