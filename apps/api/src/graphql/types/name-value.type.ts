import { Field, InputType, ObjectType } from 'type-graphql';

/**
 * `{name, value}`: environment variables, parameters, arguments, global variables.
 * One class is both the object type `NameValue` and the input type `NameValueInput`.
 */
@ObjectType('NameValue', { simpleResolvers: true })
@InputType('NameValueInput')
export class NameValueType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

/** The same class where an input is meant. */
export { NameValueType as NameValueInput };

/**
 * `{name, path}`: what a resource or an artifact of a stage is called and where it is.
 * A parent class only: the types that extend it (objects and inputs) are the schema's;
 * no field uses this one, so it is not in the schema itself.
 */
@ObjectType('NamePathFields', { simpleResolvers: true })
@InputType('NamePathFieldsInput')
export abstract class NamePathFields {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}
