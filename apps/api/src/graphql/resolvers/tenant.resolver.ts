import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { TenantRole } from '../../generated/prisma/enums.js';
import { effectiveRole, type TenantView, toTenantView } from '../../modules/tenants/tenants.presenter.js';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { ProjectType } from '../types/project.type.js';
import {
  AddTenantMemberInput,
  CreateTenantInput,
  RemoveTenantMemberInput,
  SetTenantSsoGroupRolesInput,
  SsoGroupRoleType,
  TenantMemberType,
  TenantType,
  UpdateTenantInput,
  UpdateTenantMemberInput,
} from '../types/tenant.type.js';

@Resolver(() => TenantType)
export class TenantResolver {
  @Authorized()
  @Query(() => [TenantType], { description: 'Your tenants (every tenant for platform administrators), by name.' })
  tenants(@SignedIn() ctx: SignedInContext): Promise<TenantView[]> {
    return ctx.services.tenantsPresenter.listTenants(ctx.user);
  }

  @Authorized()
  @Query(() => TenantType, {
    nullable: true,
    description: 'A tenant you are a member of. NOT_FOUND when it does not exist or you are not a member.',
  })
  tenant(@Arg('name', () => String) name: string, @SignedIn() ctx: SignedInContext): Promise<TenantView> {
    return ctx.services.tenantsPresenter.getTenant(ctx.user, name);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => TenantType, { description: 'Creates a tenant (platform administrators); you become its OWNER.' })
  async createTenant(
    @Arg('input', () => CreateTenantInput) input: CreateTenantInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<TenantView> {
    return toTenantView(await ctx.services.tenants.createTenant(ctx.user, input));
  }

  @Authorized()
  @Mutation(() => TenantType, {
    description:
      'Changes the description (tenant ADMIN and up) or the quota (platform administrators only; FORBIDDEN otherwise).',
  })
  async updateTenant(
    @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<TenantView> {
    return toTenantView(await ctx.services.tenants.updateTenant(ctx.user, input));
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => Boolean, {
    description:
      'Deletes a tenant with all its projects, workflows and runs (platform administrators). Refused with CONFLICT while any of its runs is PENDING, RUNNING or WAITING.',
  })
  deleteTenant(@Arg('name', () => String) name: string, @SignedIn() ctx: SignedInContext): Promise<boolean> {
    return ctx.services.tenants.deleteTenant(ctx.user, name);
  }

  @Authorized()
  @Mutation(() => TenantMemberType, {
    description: 'Adds an existing user to a tenant (ADMIN and up; only an OWNER may add an OWNER).',
  })
  addTenantMember(
    @Arg('input', () => AddTenantMemberInput) input: AddTenantMemberInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<TenantMemberType> {
    return ctx.services.tenants.addMember(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => TenantMemberType, {
    description: "Changes a member's role (ADMIN and up; OWNER roles only by an OWNER; the last OWNER stays).",
  })
  updateTenantMember(
    @Arg('input', () => UpdateTenantMemberInput) input: UpdateTenantMemberInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<TenantMemberType> {
    return ctx.services.tenants.updateMember(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Removes a member (ADMIN and up; OWNERs only by an OWNER; anyone may leave; the last OWNER stays).',
  })
  removeTenantMember(
    @Arg('input', () => RemoveTenantMemberInput) input: RemoveTenantMemberInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<boolean> {
    return ctx.services.tenants.removeMember(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => TenantType, {
    description:
      "Replaces the tenant's single sign-on group mapping (OWNER only): members of a group get its role here at their next SSO sign-in; roles it granted before and no longer does are removed then.",
  })
  async setTenantSsoGroupRoles(
    @Arg('input', () => SetTenantSsoGroupRolesInput) input: SetTenantSsoGroupRolesInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<TenantView> {
    return toTenantView(await ctx.services.ssoGroupRoles.setGroupRoles(ctx.user, input));
  }

  @FieldResolver(() => [SsoGroupRoleType], { description: 'The single sign-on group mapping, by group.' })
  ssoGroupRoles(@Root() tenant: TenantView, @Ctx() ctx: GraphQLContext): Promise<SsoGroupRoleType[]> {
    return ctx.loaders.ssoGroupRolesByTenantId.load(tenant.id);
  }

  @FieldResolver(() => TenantRole, {
    nullable: true,
    description: 'Your role here; platform administrators act as OWNER.',
  })
  async myRole(@Root() tenant: TenantView, @Ctx() ctx: GraphQLContext): Promise<TenantRole | undefined> {
    if (!ctx.user) return undefined;
    return effectiveRole(ctx.user, await ctx.loaders.membersByTenantId.load(tenant.id));
  }

  @FieldResolver(() => [TenantMemberType], { description: 'Oldest first.' })
  members(@Root() tenant: TenantView, @Ctx() ctx: GraphQLContext): Promise<TenantMemberType[]> {
    return ctx.loaders.membersByTenantId.load(tenant.id);
  }

  @FieldResolver(() => [ProjectType], { description: 'By name.' })
  projects(@Root() tenant: TenantView, @Ctx() ctx: GraphQLContext): Promise<ProjectType[]> {
    return ctx.loaders.projectsByTenantId.load(tenant.id);
  }
}
