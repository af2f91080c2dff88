import type { Db } from '../../db/prisma.js';
import { conflict, forbidden, notFound } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { assertNoActiveRuns } from '../projects/active-runs.js';
import { requireTenantRole, type TenantAccess } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { hasRole } from '../shared/roles.js';
import { parseInput } from '../shared/validate-input.js';
import { createTenantSchema, memberSchema, type QuotaInput, updateTenantSchema } from './tenants.inputs.js';
import { tenantsRepository as repo, type TenantRow } from './tenants.repository.js';

export interface MemberRow {
  user: { id: string; email: string; name: string; isAdmin: boolean };
  role: TenantRole;
  /** Granted through the tenant's SSO group mapping (the next single sign-on may change it). */
  grantedBySso: boolean;
  createdAt: Date;
}

interface QuotaFields {
  quota?: QuotaInput | null;
}

/** Tenants and their members. Creating and deleting tenants is for platform admins (resolver). */
export class TenantsService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  createTenant(
    actor: AuthUser,
    input: { name: string; description?: string | null } & QuotaFields,
  ): Promise<TenantRow> {
    return runMutation(this.deps, actor, subjectOf('tenant.create', 'Tenant', input.name), async (tx, audited) => {
      const parsed = parseInput(createTenantSchema, input);
      if (await repo.findByName(tx, parsed.name)) throw conflict(`tenant "${parsed.name}" already exists`);
      const tenant = await repo.create(tx, {
        name: parsed.name,
        description: parsed.description ?? '',
        quotaCpu: parsed.quota?.cpu ?? null,
        quotaMemory: parsed.quota?.memory ?? null,
        maxConcurrentRuns: parsed.quota?.maxConcurrentRuns ?? null,
        podSecurity: parsed.quota?.podSecurity ?? 'RESTRICTED',
      });
      audited.tenantId = tenant.id;
      await repo.addMembership(tx, tenant.id, actor.id, 'OWNER');
      return tenant;
    });
  }

  /**
   * Omitted fields stay; a quota field set to null removes that limit. ADMINs change
   * the description; the quota is the platform's setting: only platform administrators
   * change it (tenant members read it), or a tenant could lift its own limits.
   */
  updateTenant(
    actor: AuthUser,
    input: { name: string; description?: string | null } & QuotaFields,
  ): Promise<TenantRow> {
    return runMutation(this.deps, actor, subjectOf('tenant.update', 'Tenant', input.name), async (tx, audited) => {
      const parsed = parseInput(updateTenantSchema, input);
      const { tenant } = await requireTenantRole(tx, actor, parsed.name, 'ADMIN');
      audited.tenantId = tenant.id;
      const quota = parsed.quota;
      if (quota && !actor.isAdmin) {
        throw forbidden(
          `the quota of tenant "${tenant.name}" is set by platform administrators; ask one to change it (you may change the description)`,
        );
      }
      return repo.update(tx, tenant.id, {
        ...(parsed.description != null ? { description: parsed.description } : {}),
        ...(quota && quota.cpu !== undefined ? { quotaCpu: quota.cpu } : {}),
        ...(quota && quota.memory !== undefined ? { quotaMemory: quota.memory } : {}),
        ...(quota && quota.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: quota.maxConcurrentRuns } : {}),
        ...(quota?.podSecurity ? { podSecurity: quota.podSecurity } : {}),
      });
    });
  }

  /**
   * Deletes the tenant with everything in it. Refused while any run of its workflows
   * is active. Audited without a tenant, since the tenant's own events go with it.
   */
  deleteTenant(actor: AuthUser, name: string): Promise<boolean> {
    return runMutation(this.deps, actor, subjectOf('tenant.delete', 'Tenant', name), async (tx) => {
      const tenant = await repo.findByName(tx, name);
      if (!tenant) throw notFound(`tenant "${name}"`);
      await repo.lock(tx, tenant.id);
      await assertNoActiveRuns(tx, { tenantId: tenant.id }, `tenant "${name}"`);
      await repo.delete(tx, tenant.id);
      return true;
    });
  }

  /** ADMIN+ adds members; only an OWNER may make someone an OWNER. */
  addMember(actor: AuthUser, input: { tenant: string; email: string; role: TenantRole }): Promise<MemberRow> {
    return this.changeMembers(actor, 'tenant.member.add', input, async (tx, access, parsed) => {
      if (parsed.role === 'OWNER') requireOwner(access, 'make someone an OWNER');
      const user = await findUser(tx, parsed.email);
      const existing = await repo.findMembership(tx, access.tenant.id, user.id);
      if (existing) {
        throw conflict(
          `${parsed.email} is already a member of tenant "${access.tenant.name}" (${existing.role}); use updateTenantMember to change the role`,
        );
      }
      return repo.addMembership(tx, access.tenant.id, user.id, parsed.role);
    });
  }

  /** ADMIN+ changes roles; anything that involves OWNER needs an OWNER; the last OWNER stays. */
  updateMember(actor: AuthUser, input: { tenant: string; email: string; role: TenantRole }): Promise<MemberRow> {
    return this.changeMembers(actor, 'tenant.member.update', input, async (tx, access, parsed) => {
      const member = await findMember(tx, access, parsed.email);
      if (member.role === 'OWNER' || parsed.role === 'OWNER') requireOwner(access, 'change an OWNER role');
      if (member.role === 'OWNER' && parsed.role !== 'OWNER') await assertNotLastOwner(tx, access, parsed.email);
      return repo.setRole(tx, access.tenant.id, member.user.id, parsed.role);
    });
  }

  /** ADMIN+ removes members (OWNERs only by an OWNER); anyone may leave; the last OWNER stays. */
  removeMember(actor: AuthUser, input: { tenant: string; email: string }): Promise<boolean> {
    const isSelf = input.email.trim().toLowerCase() === actor.email;
    const withRole = { ...input, role: 'VIEWER' as const };
    return this.changeMembers(
      actor,
      'tenant.member.remove',
      withRole,
      async (tx, access, parsed) => {
        const member = await findMember(tx, access, parsed.email);
        if (!isSelf && !hasRole(access.role, 'ADMIN')) {
          throw forbidden(
            `removing members needs the ADMIN role in tenant "${access.tenant.name}"; you are ${access.role}`,
          );
        }
        if (member.role === 'OWNER') {
          if (!isSelf) requireOwner(access, 'remove an OWNER');
          await assertNotLastOwner(tx, access, parsed.email);
        }
        await repo.removeMembership(tx, access.tenant.id, member.user.id);
        return true;
      },
      isSelf ? 'VIEWER' : 'ADMIN',
    );
  }

  private changeMembers<T>(
    actor: AuthUser,
    action: string,
    input: { tenant: string; email: string; role: TenantRole },
    work: (tx: Tx, access: TenantAccess, parsed: { email: string; role: TenantRole }) => Promise<T>,
    required: TenantRole = 'ADMIN',
  ): Promise<T> {
    const subject = subjectOf(action, 'TenantMember', String(input.email).trim().toLowerCase());
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const parsed = parseInput(memberSchema, input);
      const access = await requireTenantRole(tx, actor, parsed.tenant, required);
      audited.tenantId = access.tenant.id;
      await repo.lock(tx, access.tenant.id);
      return work(tx, access, parsed);
    });
  }
}

function subjectOf(action: string, objectType: string, objectName: string) {
  return { action, objectType, objectName: String(objectName) };
}

function requireOwner(access: TenantAccess, what: string): void {
  if (access.role !== 'OWNER') {
    throw forbidden(`only an OWNER of tenant "${access.tenant.name}" may ${what}; you are ${access.role}`);
  }
}

async function findUser(tx: Tx, email: string) {
  const user = await repo.findUserByEmail(tx, email);
  if (!user) throw notFound(`user "${email}"`);
  return user;
}

async function findMember(tx: Tx, access: TenantAccess, email: string) {
  const user = await findUser(tx, email);
  const member = await repo.findMembership(tx, access.tenant.id, user.id);
  if (!member) throw notFound(`member "${email}" of tenant "${access.tenant.name}"`);
  return member;
}

async function assertNotLastOwner(tx: Tx, access: TenantAccess, email: string): Promise<void> {
  if ((await repo.countOwners(tx, access.tenant.id)) <= 1) {
    throw conflict(`${email} is the last OWNER of tenant "${access.tenant.name}"; make someone else an OWNER first`);
  }
}
