import type { StageTemplateSpec, TemplateKind } from '@cyclone/domain';
import type { Prisma } from '../../generated/prisma/client.js';
import { stableJson, type UpsertOutcome } from '../resources/resources.repository.js';
import type { Tx } from '../shared/mutation.js';
import { findTenantTemplate } from './templates.repository.js';

export interface TenantTemplate {
  name: string;
  kind: TemplateKind;
  description: string;
  spec: StageTemplateSpec;
}

/**
 * Creates or updates a template of the tenant (a Stage document labelled
 * `stage.cyclone.dev/template: "true"`) inside the caller's transaction. A tenant
 * template may carry a built-in's name: it shadows the built-in for that tenant.
 */
export async function upsertTenantTemplate(tx: Tx, tenantId: string, template: TenantTemplate): Promise<UpsertOutcome> {
  const existing = await findTenantTemplate(tx, tenantId, template.name);
  const data = {
    kind: template.kind,
    description: template.description,
    spec: template.spec as Prisma.InputJsonObject,
  };
  if (!existing) {
    await tx.stageTemplate.create({ data: { ...data, tenantId, name: template.name } });
    return 'CREATED';
  }
  if (
    existing.kind === data.kind &&
    existing.description === data.description &&
    stableJson(existing.spec) === stableJson(template.spec)
  ) {
    return 'UNCHANGED';
  }
  await tx.stageTemplate.update({ where: { id: existing.id }, data });
  return 'UPDATED';
}
