import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PodSecurityLevel, TenantRole } from '../../generated/prisma/enums.js';
import { NamedObjectFields } from './named-object.type.js';
import { TenantScopeInput } from './scope.type.js';
import { UserType } from './user.type.js';

registerEnumType(TenantRole, {
  name: 'TenantRole',
  description: 'OWNER > ADMIN (members, settings, deletion) > DEVELOPER (edit and run) > VIEWER (read).',
});

registerEnumType(PodSecurityLevel, {
  name: 'PodSecurityLevel',
  description:
    "Pod Security Admission level enforced in the tenant's namespace: RESTRICTED (default; stage containers run as non-root users without privileges) or BASELINE (root images allowed), granted by a platform administrator.",
});

@ObjectType('TenantQuota', { simpleResolvers: true, description: 'Limits of a tenant; null means no limit.' })
export class TenantQuotaType {
  @Field(() => String, { nullable: true, description: 'Kubernetes CPU quantity, e.g. "2" or "500m".' })
  cpu!: string | null;

  @Field(() => String, { nullable: true, description: 'Kubernetes memory quantity, e.g. "4Gi".' })
  memory!: string | null;

  @Field(() => Int, { nullable: true })
  maxConcurrentRuns!: number | null;

  @Field(() => PodSecurityLevel)
  podSecurity!: PodSecurityLevel;
}

/** `myRole`, `members` and `projects` are resolved by the tenant resolver. */
@ObjectType('Tenant', {
  simpleResolvers: true,
  description: 'An isolated team space; on Kubernetes the namespace `cyclone-<name>`.',
})
export class TenantType extends NamedObjectFields {
  @Field(() => String, { description: 'The Kubernetes namespace: "cyclone-<name>".' })
  namespace!: string;

  @Field(() => TenantQuotaType)
  quota!: TenantQuotaType;
}

@ObjectType('TenantMember', { simpleResolvers: true })
export class TenantMemberType {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => TenantRole)
  role!: TenantRole;

  @Field(() => Boolean, {
    description:
      "Granted through the tenant's SSO group mapping: the member's next single sign-on sets or removes it. A role changed by hand is kept.",
  })
  grantedBySso!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType('SsoGroupRole', {
  simpleResolvers: true,
  description: 'Members of this single sign-on group get this role in the tenant.',
})
export class SsoGroupRoleType {
  @Field(() => String, { description: 'A group name as the provider sends it (the groups claim).' })
  group!: string;

  @Field(() => TenantRole)
  role!: TenantRole;
}

@InputType({ description: 'Omitted fields keep their value; null removes that limit.' })
export class TenantQuotaInput {
  @Field(() => String, { nullable: true })
  cpu?: string | null;

  @Field(() => String, { nullable: true })
  memory?: string | null;

  @Field(() => Int, { nullable: true })
  maxConcurrentRuns?: number | null;

  @Field(() => PodSecurityLevel, { nullable: true, description: 'Unchanged when omitted.' })
  podSecurity?: PodSecurityLevel | null;
}

@InputType()
export class CreateTenantInput {
  @Field(() => String, { description: 'A DNS label of at most 55 characters.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TenantQuotaInput, { nullable: true })
  quota?: TenantQuotaInput | null;
}

@InputType()
export class UpdateTenantInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Unchanged when omitted.' })
  description?: string | null;

  @Field(() => TenantQuotaInput, { nullable: true })
  quota?: TenantQuotaInput | null;
}

@InputType()
export class RemoveTenantMemberInput extends TenantScopeInput {
  @Field(() => String)
  email!: string;
}

@InputType()
export class AddTenantMemberInput extends RemoveTenantMemberInput {
  @Field(() => TenantRole)
  role!: TenantRole;
}

@InputType()
export class UpdateTenantMemberInput extends AddTenantMemberInput {}

@InputType()
export class SsoGroupRoleInput {
  @Field(() => String)
  group!: string;

  @Field(() => TenantRole)
  role!: TenantRole;
}

@InputType()
export class SetTenantSsoGroupRolesInput extends TenantScopeInput {
  @Field(() => [SsoGroupRoleInput], { description: 'The whole mapping; groups not listed grant nothing any more.' })
  groupRoles!: SsoGroupRoleInput[];
}
