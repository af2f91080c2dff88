import { LIMITS, type StageTemplateSpec, stageTemplateSpecSchema, TEMPLATE_KINDS } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { conflict, forbidden, notFound } from '../../errors/app-error.js';
import type { Prisma, StageTemplate } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { tenantObjectMutation } from '../shared/scoped-mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { fillStageTemplate } from './fill-stage-template.js';
import { overlayStageFields, type StageSpecFields, withoutNulls } from './stage-spec-fields.js';
import {
  findBuiltinTemplate,
  findTenantTemplate,
  findUsableTemplate,
  listUsableTemplates,
} from './templates.repository.js';

const refSchema = z.object({ tenant: z.string(), name: z.string() });
const templateMutation = tenantObjectMutation('StageTemplate');
const metaSchema = z.object({
  kind: z.enum(TEMPLATE_KINDS).optional(),
  description: z.string().max(LIMITS.stringLength).optional(),
});

type NameValue = { name: string; value: string };
export interface TemplateInputFields extends StageSpecFields {
  tenant: string;
  kind?: string | null;
  description?: string | null;
  arguments?: { name: string; value?: string | null; description?: string | null }[] | null;
}

/**
 * Stage templates: built-ins (read-only, shared) and each tenant's own, which may
 * shadow a built-in of the same name. Writes need DEVELOPER.
 */
export class TemplateService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  create(user: AuthUser, input: TemplateInputFields) {
    const ref = parseInput(refSchema, input);
    return templateMutation(this.deps, user, 'stageTemplate.create', ref, 'DEVELOPER', async (tx, tenantId) => {
      const meta = parseMeta(input);
      const spec = parseInput(stageTemplateSpecSchema, toSpecInput(undefined, input));
      // A built-in's name is allowed: the tenant's template shadows it (README, Policies).
      if (await findTenantTemplate(tx, tenantId, spec.name)) {
        throw conflict(`stage template "${spec.name}" already exists in tenant "${ref.tenant}"`);
      }
      return tx.stageTemplate.create({
        data: {
          tenantId,
          name: spec.name,
          kind: meta.kind ?? 'custom',
          description: meta.description ?? '',
          spec: spec as Prisma.InputJsonObject,
        },
      });
    });
  }

  update(user: AuthUser, input: TemplateInputFields) {
    const ref = parseInput(refSchema, input);
    return templateMutation(this.deps, user, 'stageTemplate.update', ref, 'DEVELOPER', async (tx, tenantId) => {
      const row = await loadWritable(tx, tenantId, ref);
      const meta = parseMeta(input);
      const current = stageTemplateSpecSchema.parse(row.spec);
      const spec = parseInput(stageTemplateSpecSchema, toSpecInput(current, input));
      return tx.stageTemplate.update({
        where: { id: row.id },
        data: {
          kind: meta.kind ?? undefined,
          description: meta.description ?? undefined,
          spec: spec as Prisma.InputJsonObject,
        },
      });
    });
  }

  /** Stages made from the template keep their filled definitions; only the record of the name stays. */
  delete(user: AuthUser, input: { tenant: string; name: string }) {
    const ref = parseInput(refSchema, input);
    return templateMutation(this.deps, user, 'stageTemplate.delete', ref, 'DEVELOPER', async (tx, tenantId) => {
      const row = await loadWritable(tx, tenantId, ref);
      await tx.stageTemplate.delete({ where: { id: row.id } });
      return true;
    });
  }

  async list(user: AuthUser, tenant: string): Promise<StageTemplate[]> {
    const { tenant: t } = await requireTenantRole(this.deps.db, user, tenant, 'VIEWER');
    return listUsableTemplates(this.deps.db, t.id);
  }

  async get(user: AuthUser, tenant: string, name: string): Promise<StageTemplate | null> {
    const { tenant: t } = await requireTenantRole(this.deps.db, user, tenant, 'VIEWER');
    return (await findUsableTemplate(this.deps.db, t.id, name)) ?? null;
  }

  /**
   * The template filled with `args` as a new stage would get it (VIEWER and up: it
   * writes nothing). Lets the editor add a stage from a template the way createStage
   * makes one, arguments from integrations included.
   */
  async fill(user: AuthUser, tenant: string, name: string, args: readonly NameValue[]) {
    const { tenant: t } = await requireTenantRole(this.deps.db, user, tenant, 'VIEWER');
    const filled = await fillStageTemplate(this.deps.db, t.id, name, args, {
      template: 'name',
      arguments: 'arguments',
    });
    return { ...filled.template, spec: filled.spec as Prisma.JsonValue };
  }
}

/** The tenant's own template of that name; a built-in one is read-only. */
async function loadWritable(tx: Tx, tenantId: string, ref: z.infer<typeof refSchema>): Promise<StageTemplate> {
  const row = await findTenantTemplate(tx, tenantId, ref.name);
  if (row) return row;
  if (await findBuiltinTemplate(tx, ref.name)) throw forbidden(`built-in template "${ref.name}" is read-only`);
  throw notFound(`stage template "${ref.name}" in tenant "${ref.tenant}"`);
}

/** Input fields over the current definition; template arguments live in `inputs.arguments`. */
function toSpecInput(current: StageTemplateSpec | undefined, input: TemplateInputFields): Record<string, unknown> {
  const inputs = { ...current?.inputs, ...withoutNulls(input.inputs ?? {}) };
  return {
    ...current,
    ...overlayStageFields(current, input),
    inputs: {
      ...inputs,
      arguments: input.arguments ? input.arguments.map((a) => withoutNulls(a)) : (current?.inputs.arguments ?? []),
    },
  };
}

/** Kind and description as given; omitted or null leaves them to the caller's default. */
function parseMeta(input: TemplateInputFields) {
  return parseInput(metaSchema, { kind: input.kind ?? undefined, description: input.description ?? undefined });
}
