import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IntegrationType } from '../../generated/prisma/enums.js';
import { NamedObjectFields } from './named-object.type.js';
import { TenantObjectRefFields, TenantScopeInput } from './scope.type.js';

registerEnumType(IntegrationType, {
  name: 'IntegrationType',
  description: 'The kind of external system an integration connects to.',
});

@ObjectType('Integration', {
  simpleResolvers: true,
  description: 'An external system (SCM, registry, cluster, …) with write-only credentials.',
})
export class IntegrationObject extends NamedObjectFields {
  @Field(() => IntegrationType)
  type!: IntegrationType;

  @Field(() => GraphQLJSONObject, { description: 'Non-secret settings: server, username and type-specific keys.' })
  config!: Record<string, unknown>;

  @Field(() => [String], { description: 'Names of the secret keys that are set; their values are never returned.' })
  secretFields!: string[];

  /** Not a field: lets field resolvers name the tenant (executionCluster). */
  tenantId?: string;
}

/** The arguments of `integrations`: the tenant, and optionally one type. */
@ArgsType()
export class IntegrationListArgs extends TenantScopeInput {
  @Field(() => IntegrationType, { nullable: true })
  type?: IntegrationType | null;
}

export enum IntegrationCheckStage {
  DNS = 'DNS',
  CONNECT = 'CONNECT',
  TLS = 'TLS',
  AUTH = 'AUTH',
  RESPONSE = 'RESPONSE',
}
registerEnumType(IntegrationCheckStage, {
  name: 'IntegrationCheckStage',
  description: 'Where a check stopped: name lookup, TCP connect, TLS handshake, credentials, or the answer itself.',
});

@ObjectType('IntegrationTestResult', { simpleResolvers: true })
export class IntegrationTestResult {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => IntegrationCheckStage, { description: 'The stage that failed; RESPONSE when the check passed.' })
  stage!: IntegrationCheckStage;

  @Field(() => String, {
    description:
      'Machine-readable reason: OK, ENOTFOUND, ECONNREFUSED, TIMEOUT, HTTP_401, HTTP_403, a TLS error code …',
  })
  code!: string;

  @Field(() => String, { description: 'What was checked and, on failure, what went wrong.' })
  message!: string;

  @Field(() => Int, { description: 'How long the check took, in milliseconds.' })
  latencyMs!: number;

  @Field(() => Date)
  checkedAt!: Date;
}

@InputType()
export class CreateIntegrationInput extends TenantObjectRefFields {
  @Field(() => String, { description: 'A DNS label, unique in the tenant.' })
  declare name: string;

  @Field(() => IntegrationType)
  type!: IntegrationType;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'server (base URL; defaulted for GITHUB and DOCKER_HUB), username, and type-specific keys.',
  })
  config?: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Write-only: token, password, webhookSecret (KUBERNETES also kubeconfig). Encrypted at rest.',
  })
  secret?: Record<string, unknown>;
}

@InputType()
export class UpdateIntegrationInput extends TenantObjectRefFields {
  @Field(() => String, { nullable: true, description: 'Unchanged when omitted.' })
  description?: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Replaces the whole config; unchanged when omitted.' })
  config?: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Keys given replace their value, keys set to null are removed, keys not given are kept.',
  })
  secret?: Record<string, unknown>;
}

@InputType()
export class IntegrationRefInput extends TenantObjectRefFields {}
