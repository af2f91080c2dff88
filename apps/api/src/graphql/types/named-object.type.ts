import { Field, ID, ObjectType } from 'type-graphql';

/**
 * What every named, described object shows: tenants, projects, workflows, integrations. A parent
 * class only: no field uses it, so it is not in the schema itself.
 */
@ObjectType('NamedObjectFields')
export abstract class NamedObjectFields {
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
}
