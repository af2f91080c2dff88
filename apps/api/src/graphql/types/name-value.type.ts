import { Field, InputType, ObjectType } from 'type-graphql';

/** `{name, value}`: environment variables, parameters, arguments, global variables. */
@ObjectType('NameValue')
export class NameValueType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@InputType('NameValueInput')
export class NameValueInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}
