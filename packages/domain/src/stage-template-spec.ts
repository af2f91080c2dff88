import { z } from 'zod';
import { dnsLabelSchema } from './dns-label-schema.js';
import {
  LIMITS,
  optionalOutputPath,
  resourceTypeNameSchema,
  stageArgumentSchema,
  stageDefinitionSchema,
} from './specs.js';

const text = z.string().max(LIMITS.stringLength);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.listItems);
const artifactSchema = z.object({ name: z.string().min(1).max(253), path: text });

/**
 * A resource slot of a stage template (Cyclone's `- type: Git` without a name): the
 * template says what kind of resource it takes, a stage made from it names which one.
 */
export const inputResourceSlotSchema = z.object({ type: resourceTypeNameSchema, path: text });
export const outputResourceSlotSchema = z.object({ type: resourceTypeNameSchema, path: optionalOutputPath });
export type InputResourceSlot = z.infer<typeof inputResourceSlotSchema>;
export type OutputResourceSlot = z.infer<typeof outputResourceSlotSchema>;

/** What a stage template stores: a stage definition whose resources may be typed slots. */
export const stageTemplateSpecSchema = stageDefinitionSchema.extend({
  image: text.min(1),
  inputs: z
    .object({
      resources: list(z.union([z.object({ name: dnsLabelSchema, path: text }), inputResourceSlotSchema])).default([]),
      artifacts: list(artifactSchema).default([]),
      arguments: list(stageArgumentSchema).default([]),
    })
    .default({ resources: [], artifacts: [], arguments: [] }),
  outputs: z
    .object({
      resources: list(
        z.union([z.object({ name: dnsLabelSchema, path: text.optional() }), outputResourceSlotSchema]),
      ).default([]),
      artifacts: list(artifactSchema).default([]),
    })
    .default({ resources: [], artifacts: [] }),
});
export type StageTemplateSpec = z.infer<typeof stageTemplateSpecSchema>;

export function isResourceSlot<T extends object>(resource: T): resource is Extract<T, { type: unknown }> {
  return 'type' in resource && !('name' in resource);
}

/** The typed slots of a template (or of a stage being made from one), with their field paths. */
export function resourceSlots(spec: {
  inputs?: { resources?: readonly object[] };
  outputs?: { resources?: readonly object[] };
}): { field: string; type: string; path?: string }[] {
  const slots: { field: string; type: string; path?: string }[] = [];
  for (const side of ['inputs', 'outputs'] as const) {
    (spec[side]?.resources ?? []).forEach((resource, index) => {
      if (!isResourceSlot(resource)) return;
      const slot = resource as { type: string; path?: string };
      slots.push({ field: `${side}.resources[${index}]`, type: slot.type, path: slot.path });
    });
  }
  return slots;
}

/** Cyclone's names for template kinds (`stage.cyclone.dev/template-kind`) that this project spells differently. */
export const TEMPLATE_KIND_ALIASES: Readonly<Record<string, string>> = { cd: 'deploy', codescan: 'code-scan' };
