import { type ResourceSpec, resourceSpecSchema } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { ResourceType } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireProject } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { projectObjectMutation } from '../shared/scoped-mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { findResourceUsers } from './resource-usage.repository.js';
import { loadResourceSpec, RESOURCE_INCLUDE, resourceTypeName, upsertResource } from './resources.repository.js';

const refSchema = z.object({ tenant: z.string(), project: z.string(), name: z.string() });
const resourceMutation = projectObjectMutation('Resource');

export interface ResourceInputFields {
  tenant: string;
  project: string;
  name: string;
  type?: ResourceType | null;
  /** The registered type's name when `type` is REGISTERED. */
  registeredType?: string | null;
  parameters?: { name: string; value: string }[] | null;
  resolver?: string | null;
  persistent?: { pvc: string; path: string; pullPolicy?: string | null } | null;
  integration?: string | null;
}

/** Resources of a project (Cyclone's kind Resource). Writes need DEVELOPER. */
export class ResourceService {
  constructor(private readonly deps: { db: Db; logger: Logger; box: SecretBox }) {}

  create(user: AuthUser, input: ResourceInputFields) {
    const ref = parseInput(refSchema, input);
    return resourceMutation(this.deps, user, 'resource.create', ref, async (tx, scope) => {
      const spec = parseInput(resourceSpecSchema, toSpecInput(input, undefined));
      if (await loadResourceSpec(tx, scope.projectId, spec.name)) {
        throw conflict(`resource "${spec.name}" already exists in project "${ref.project}"`);
      }
      await upsertResource(tx, scope, spec, { box: this.deps.box });
      return this.loadRow(tx, scope.projectId, spec.name);
    });
  }

  update(user: AuthUser, input: ResourceInputFields) {
    const ref = parseInput(refSchema, input);
    return resourceMutation(this.deps, user, 'resource.update', ref, async (tx, scope) => {
      const current = await loadResourceSpec(tx, scope.projectId, ref.name);
      if (!current) throw notFound(`resource "${ref.name}" in project "${ref.project}"`);
      const spec = parseInput(resourceSpecSchema, toSpecInput(input, current));
      await upsertResource(tx, scope, spec, { box: this.deps.box });
      return this.loadRow(tx, scope.projectId, spec.name);
    });
  }

  delete(user: AuthUser, input: { tenant: string; project: string; name: string }) {
    const ref = parseInput(refSchema, input);
    return resourceMutation(this.deps, user, 'resource.delete', ref, async (tx, scope) => {
      const row = await tx.resource.findUnique({
        where: { projectId_name: { projectId: scope.projectId, name: ref.name } },
      });
      if (!row) throw notFound(`resource "${ref.name}" in project "${ref.project}"`);
      const users = await findResourceUsers(tx, scope.projectId, ref.name);
      if (users.length > 0) {
        throw conflict(`resource "${ref.name}" is used by ${users.join(', ')}; change or delete those first`);
      }
      await tx.resource.delete({ where: { id: row.id } });
      return true;
    });
  }

  async get(user: AuthUser, tenant: string, project: string, name: string) {
    const access = await requireProject(this.deps.db, user, tenant, project, 'VIEWER');
    return this.deps.db.resource.findUnique({
      where: { projectId_name: { projectId: access.project.id, name } },
      include: RESOURCE_INCLUDE,
    });
  }

  private async loadRow(tx: Tx, projectId: string, name: string) {
    return tx.resource.findUniqueOrThrow({
      where: { projectId_name: { projectId, name } },
      include: RESOURCE_INCLUDE,
    });
  }
}

/** Input fields over the current spec: omitted keeps, null clears (optional fields). */
function toSpecInput(input: ResourceInputFields, current: ResourceSpec | undefined): Record<string, unknown> {
  const pick = <K extends 'resolver' | 'persistent' | 'integration'>(key: K) =>
    input[key] === undefined ? current?.[key] : (input[key] ?? undefined);
  const persistent = pick('persistent') as ResourceInputFields['persistent'];
  return {
    name: input.name,
    type: input.type ? registeredTypeName(input) : current?.type,
    parameters: input.parameters ?? current?.parameters ?? [],
    resolver: pick('resolver'),
    persistent: persistent
      ? {
          pvc: persistent.pvc,
          path: persistent.path,
          ...(persistent.pullPolicy ? { pullPolicy: persistent.pullPolicy } : {}),
        }
      : undefined,
    integration: pick('integration'),
  };
}

function registeredTypeName(input: ResourceInputFields): string | undefined {
  if (input.type !== 'REGISTERED') return resourceTypeName(input.type as ResourceType, undefined);
  if (!input.registeredType) throw badInput('input.registeredType', 'required when type is REGISTERED');
  return input.registeredType;
}
