import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('User', { description: 'A person who signs in to Cyclone.' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Platform administrators manage users and tenants.' })
  isAdmin!: boolean;
}
