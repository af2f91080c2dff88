import { Arg, Authorized, Mutation, Resolver } from 'type-graphql';
import type { Integration } from '../../generated/prisma/client.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import {
  CreateIntegrationInput,
  IntegrationListArgs,
  IntegrationObject,
  IntegrationRefInput,
  IntegrationTestResult,
  UpdateIntegrationInput,
} from '../types/integration.type.js';
import { storedFieldsOf } from '../types/named-object.type.js';
import { TenantObjectRefFields } from '../types/scope.type.js';
import { crudResolver } from './crud-resolver.js';

/** The row without its ciphertext: the only shape integrations leave the API in. */
export function toIntegrationObject(row: Integration): IntegrationObject {
  return {
    ...storedFieldsOf(row),
    type: row.type,
    description: row.description,
    config: row.config as Record<string, unknown>,
    secretFields: [...row.secretKeys].sort(),
    tenantId: row.tenantId,
  };
}

@Resolver(() => IntegrationObject)
export class IntegrationResolver extends crudResolver({
  name: 'Integration',
  object: IntegrationObject,
  inputs: { create: CreateIntegrationInput, update: UpdateIntegrationInput, ref: IntegrationRefInput },
  descriptions: {
    create: 'Creates an integration (tenant ADMIN or OWNER).',
    update: 'Changes an integration (tenant ADMIN or OWNER).',
    delete: 'Deletes an integration; refused with CONFLICT while resources or triggers use it.',
  },
  service: (ctx) => ctx.services.integrations,
  present: toIntegrationObject,
  lookup: {
    name: 'integration',
    args: TenantObjectRefFields,
    get: (ctx, user, { tenant, name }) => ctx.services.integrations.get(user, tenant, name),
  },
  list: {
    name: 'integrations',
    args: IntegrationListArgs,
    description: "The tenant's integrations, by name; optionally of one type.",
    list: (ctx, user, { tenant, type }) => ctx.services.integrations.list(user, tenant, type ?? undefined),
  },
}) {
  @Authorized()
  @Mutation(() => IntegrationTestResult, {
    description:
      'Checks the integration for real (DEVELOPER or above): git ls-remote, svn info, registry /v2/ with auth, the SCM user endpoint, Kubernetes /version, SonarQube status and token; says which stage failed (DNS, CONNECT, TLS, AUTH, RESPONSE).',
  })
  testIntegration(
    @Arg('input', () => IntegrationRefInput) input: IntegrationRefInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<IntegrationTestResult> {
    return ctx.services.integrations.test(ctx.user, input) as Promise<IntegrationTestResult>;
  }
}
