import {
  checkRegisteredResource,
  checkResourceSpec,
  isBuiltinResourceType,
  isSecretResourceParameter,
  type ResourceSpec,
  type ResourceTypeName,
} from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { badInput } from '../../errors/app-error.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { ResourceType } from '../../generated/prisma/enums.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { findRegisteredType, toResourceTypeSpec } from '../resource-types/resource-types.repository.js';
import type { Tx } from '../shared/mutation.js';
import { openResourceSecrets, splitSecretParameters } from './resource-secrets.js';

export type UpsertOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

export interface UpsertOptions {
  /** Root of the field names in error messages (`input`, `documents[2].spec`, …). */
  field?: string;
}

export interface ResourceUpsertOptions extends UpsertOptions {
  /** Seals secret parameters (SCM_AUTH, SCM_PWD, …). */
  box: SecretBox;
}

const TO_DB: Record<ResourceTypeName, ResourceType> = {
  Git: 'GIT',
  Svn: 'SVN',
  Image: 'IMAGE',
  KV: 'KV',
  General: 'GENERAL',
  Http: 'HTTP',
};
const FROM_DB: Record<Exclude<ResourceType, 'REGISTERED'>, ResourceTypeName> = {
  GIT: 'Git',
  SVN: 'Svn',
  IMAGE: 'Image',
  KV: 'KV',
  GENERAL: 'General',
  HTTP: 'Http',
};

/** What a resource row is read with: its integration's name and its registered type's. */
export const RESOURCE_INCLUDE = {
  integration: { select: { name: true } },
  registeredType: { select: { type: true } },
} as const;

/** A resource's `spec.type` from a GraphQL type and registered type name. */
export function resourceTypeName(type: ResourceType, registeredType: string | null | undefined): string | undefined {
  return type === 'REGISTERED' ? (registeredType ?? undefined) : FROM_DB[type];
}

/**
 * Creates or updates a resource of a project from its spec, inside the caller's
 * transaction. The integration is looked up by name in the same tenant only, so a
 * resource can never borrow another tenant's credentials.
 */
export async function upsertResource(
  tx: Tx,
  scope: { tenantId: string; projectId: string },
  spec: ResourceSpec,
  options: ResourceUpsertOptions,
): Promise<UpsertOutcome> {
  const root = options.field ?? 'input';
  const problem = checkResourceSpec(spec)[0];
  if (problem) throw badInput(`${root}.${problem.path}`, problem.message);

  const integration = await resolveIntegration(tx, scope.tenantId, spec.integration, `${root}.integration`);
  const integrationId = integration?.id ?? null;
  const registeredTypeId = await checkType(tx, scope.tenantId, spec, integration?.type, root);
  const existing = await tx.resource.findUnique({
    where: { projectId_name: { projectId: scope.projectId, name: spec.name } },
  });
  const storedSecrets = openResourceSecrets(options.box, existing?.secretCiphertext ?? null);
  const { parameters, secrets } = splitSecretParameters(spec.parameters, storedSecrets, root);
  const hasSecrets = Object.keys(secrets).length > 0;
  const data = {
    type: registeredTypeId ? ('REGISTERED' as const) : TO_DB[spec.type as ResourceTypeName],
    registeredTypeId,
    parameters,
    resolver: spec.resolver ?? null,
    persistent: spec.persistent ? normalizePersistent(spec.persistent) : null,
    integrationId,
  };

  if (!existing) {
    await tx.resource.create({
      data: {
        ...data,
        persistent: data.persistent ?? undefined,
        secretCiphertext: hasSecrets ? options.box.sealJson(secrets) : null,
        projectId: scope.projectId,
        name: spec.name,
      },
    });
    return 'CREATED';
  }
  const isSame =
    existing.type === data.type &&
    existing.registeredTypeId === data.registeredTypeId &&
    stableJson(existing.parameters) === stableJson(data.parameters) &&
    stableJson(storedSecrets) === stableJson(secrets) &&
    existing.resolver === data.resolver &&
    stableJson(existing.persistent ?? null) === stableJson(data.persistent) &&
    existing.integrationId === data.integrationId;
  if (isSame) return 'UNCHANGED';
  await tx.resource.update({
    where: { id: existing.id },
    data: {
      ...data,
      persistent: data.persistent ?? Prisma.DbNull,
      secretCiphertext: hasSecrets ? options.box.sealJson(secrets) : null,
    },
  });
  return 'UPDATED';
}

/** The spec of one resource of a project, as the YAML codec and the engine read it. */
export async function loadResourceSpec(tx: Tx, projectId: string, name: string): Promise<ResourceSpec | undefined> {
  const row = await tx.resource.findUnique({
    where: { projectId_name: { projectId, name } },
    include: RESOURCE_INCLUDE,
  });
  return row ? toResourceSpec(row) : undefined;
}

/** Every resource spec of a project, by name. */
export async function listResourceSpecs(tx: Tx, projectId: string): Promise<ResourceSpec[]> {
  const rows = await tx.resource.findMany({
    where: { projectId },
    include: RESOURCE_INCLUDE,
    orderBy: { name: 'asc' },
  });
  return rows.map(toResourceSpec);
}

export interface ResourceRowWithIntegration {
  name: string;
  type: ResourceType;
  parameters: unknown;
  resolver: string | null;
  persistent: unknown;
  integration: { name: string } | null;
  registeredType: { type: string } | null;
}

export function toResourceSpec(row: ResourceRowWithIntegration): ResourceSpec {
  const spec: ResourceSpec = {
    name: row.name,
    type: resourceTypeName(row.type, row.registeredType?.type) ?? '',
    parameters: (row.parameters as ResourceSpec['parameters']) ?? [],
  };
  if (row.resolver) spec.resolver = row.resolver;
  if (row.persistent) spec.persistent = row.persistent as NonNullable<ResourceSpec['persistent']>;
  if (row.integration) spec.integration = row.integration.name;
  return spec;
}

async function resolveIntegration(
  tx: Tx,
  tenantId: string,
  name: string | undefined,
  field: string,
): Promise<{ id: string; type: string } | undefined> {
  if (!name) return undefined;
  const integration = await tx.integration.findUnique({
    where: { tenantId_name: { tenantId, name } },
    select: { id: true, type: true },
  });
  if (!integration) throw badInput(field, `no integration "${name}" in this tenant`);
  return integration;
}

/**
 * A built-in type needs nothing more; any other must be a type the tenant registered,
 * whose rules the resource meets (required parameters, the bound integration's type).
 * Returns the registered type's id.
 */
async function checkType(
  tx: Tx,
  tenantId: string,
  spec: ResourceSpec,
  integrationType: string | undefined,
  root: string,
): Promise<string | null> {
  if (isBuiltinResourceType(spec.type)) return null;
  const row = await findRegisteredType(tx, tenantId, spec.type);
  if (!row) {
    throw badInput(
      `${root}.type`,
      `no resource type "${spec.type}" in this tenant: register one (a Resource labelled resource.cyclone.dev/template: "true") or use a built-in type`,
    );
  }
  const problem = checkRegisteredResource(spec, toResourceTypeSpec(row), integrationType)[0];
  if (problem) throw badInput(`${root}.${problem.path}`, problem.message);
  return row.id;
}

function normalizePersistent(p: NonNullable<ResourceSpec['persistent']>) {
  return p.pullPolicy ? { pvc: p.pvc, path: p.path, pullPolicy: p.pullPolicy } : { pvc: p.pvc, path: p.path };
}

/** JSON with sorted keys, so stored and new values compare by content. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Seals secret parameters stored in the clear by versions before they were sealed (at
 * start, once the key is known); returns how many resources changed. Idempotent.
 */
export async function sealPlainSecretParameters(db: Db, box: SecretBox): Promise<number> {
  const rows = await db.resource.findMany({ select: { id: true, parameters: true, secretCiphertext: true } });
  let sealed = 0;
  for (const row of rows) {
    const given = (row.parameters ?? []) as ResourceSpec['parameters'];
    if (!given.some((p) => isSecretResourceParameter(p.name) && p.value !== '')) continue;
    const { parameters, secrets } = splitSecretParameters(
      given,
      openResourceSecrets(box, row.secretCiphertext),
      `resources[${row.id}]`,
    );
    await db.resource.update({ where: { id: row.id }, data: { parameters, secretCiphertext: box.sealJson(secrets) } });
    sealed += 1;
  }
  return sealed;
}
