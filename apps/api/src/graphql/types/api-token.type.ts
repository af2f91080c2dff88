import { Field, InputType, ObjectType } from 'type-graphql';
import { CredentialFields } from './user.type.js';

@ObjectType('ApiToken', {
  simpleResolvers: true,
  description: 'A long-lived token for the CLI and other tools; the secret itself is never shown again.',
})
export class ApiTokenType extends CredentialFields {
  @Field(() => String)
  name!: string;

  @Field(() => Date, { nullable: true, description: 'Never expires when null.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('ApiTokenPayload', { simpleResolvers: true })
export class ApiTokenPayload {
  @Field(() => String, { description: 'Shown only now. Send as "Authorization: Bearer <token>".' })
  token!: string;

  @Field(() => ApiTokenType)
  apiToken!: ApiTokenType;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'Unique among your tokens, e.g. "ci".' })
  name!: string;

  @Field(() => Date, { nullable: true, description: 'When the token stops working; never when omitted.' })
  expiresAt?: Date | null;
}

@InputType()
export class CreateUserInput {
  @Field(() => String, { description: 'Stored lower-case.' })
  email!: string;

  @Field(() => String, { description: 'At least 8 characters.' })
  password!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The display name; the part of the email before "@" when omitted.',
  })
  name?: string | null;
}
