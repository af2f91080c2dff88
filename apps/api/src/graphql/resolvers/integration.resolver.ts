import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Integration } from '../../generated/prisma/client.js';
import { IntegrationType } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import {
  CreateIntegrationInput,
  IntegrationObject,
  IntegrationRefInput,
  IntegrationTestResult,
  UpdateIntegrationInput,
} from '../types/integration.type.js';

/** The row without its ciphertext: the only shape integrations leave the API in. */
export function toIntegrationObject(row: Integration): IntegrationObject {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    description: row.description,
    config: row.config as Record<string, unknown>,
    secretFields: [...row.secretKeys].sort(),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tenantId: row.tenantId,
  };
}

@Resolver(() => IntegrationObject)
export class IntegrationResolver {
  @Authorized()
  @Query(() => [IntegrationObject], { description: "The tenant's integrations, by name; optionally of one type." })
  async integrations(
    @Arg('tenant', () => String) tenant: string,
    @Arg('type', () => IntegrationType, { nullable: true }) type: IntegrationType | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IntegrationObject[]> {
    const rows = await ctx.services.integrations.list(ctx.user as AuthUser, tenant, type ?? undefined);
    return rows.map(toIntegrationObject);
  }

  @Authorized()
  @Query(() => IntegrationObject, { nullable: true })
  async integration(
    @Arg('tenant', () => String) tenant: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IntegrationObject | null> {
    const row = await ctx.services.integrations.get(ctx.user as AuthUser, tenant, name);
    return row ? toIntegrationObject(row) : null;
  }

  @Authorized()
  @Mutation(() => IntegrationObject, { description: 'Creates an integration (tenant ADMIN or OWNER).' })
  async createIntegration(
    @Arg('input', () => CreateIntegrationInput) input: CreateIntegrationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IntegrationObject> {
    return toIntegrationObject(await ctx.services.integrations.create(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => IntegrationObject, { description: 'Changes an integration (tenant ADMIN or OWNER).' })
  async updateIntegration(
    @Arg('input', () => UpdateIntegrationInput) input: UpdateIntegrationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IntegrationObject> {
    return toIntegrationObject(await ctx.services.integrations.update(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes an integration; refused with CONFLICT while resources or triggers use it.',
  })
  deleteIntegration(
    @Arg('input', () => IntegrationRefInput) input: IntegrationRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.integrations.delete(ctx.user as AuthUser, input);
  }

  @Authorized()
  @Mutation(() => IntegrationTestResult, {
    description:
      'Checks the integration for real (DEVELOPER or above): git ls-remote, svn info, registry /v2/ with auth, the SCM user endpoint, Kubernetes /version, SonarQube status and token; says which stage failed (DNS, CONNECT, TLS, AUTH, RESPONSE).',
  })
  testIntegration(
    @Arg('input', () => IntegrationRefInput) input: IntegrationRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IntegrationTestResult> {
    return ctx.services.integrations.test(ctx.user as AuthUser, input) as Promise<IntegrationTestResult>;
  }
}
