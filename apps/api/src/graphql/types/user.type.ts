import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType('User', { simpleResolvers: true, description: 'A person who signs in to Cyclone.' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Platform administrators manage users and tenants.' })
  isAdmin!: boolean;

  /** Set by reads that have it; `isDisabled` loads it otherwise. */
  isDisabled?: boolean;
  disabledAt?: Date | null;
}

/** What sessions and API tokens, the two credentials, both show (a parent class only). */
@ObjectType('CredentialFields', { simpleResolvers: true })
export abstract class CredentialFields {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt!: Date | null;
}

@ObjectType('Session', {
  simpleResolvers: true,
  description: 'A sign-in of yours (a session token), until it expires or is signed out.',
})
export class SessionType extends CredentialFields {
  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => String, { description: 'The User-Agent of the sign-in; empty when none was sent.' })
  userAgent!: string;

  @Field(() => String, { nullable: true, description: 'The client address of the sign-in (see CYCLONE_TRUST_PROXY).' })
  clientIp!: string | null;

  @Field(() => Boolean, { description: 'The session this request was made with.' })
  isCurrent!: boolean;
}

/** The password rule, said once for both ways to set one (a parent class only). */
@InputType('NewPasswordFieldsInput')
export abstract class NewPasswordFields {
  @Field(() => String, { description: 'At least 8 characters, not the documented default password.' })
  newPassword!: string;
}

@InputType()
export class ChangePasswordInput extends NewPasswordFields {
  @Field(() => String)
  currentPassword!: string;
}

@InputType()
export class ResetUserPasswordInput extends NewPasswordFields {
  @Field(() => String)
  email!: string;
}
