import { stageDefinitionProblems, stageDefinitionSchema } from '@cyclone/domain';
import { decodeCaches } from './caches.js';
import type { FieldReader, Obj } from './fields.js';
import { ANNOTATIONS, type Manifest } from './types.js';
import { reportIssues } from './zod-paths.js';

type StageManifest = Extract<Manifest, { kind: 'Stage' }>;

/** True when the document's spec names a delegation (even a malformed one), so it is read as a delegated stage. */
export const isDelegated = (spec: Obj | undefined) => spec?.delegation !== undefined && spec.delegation !== null;

/**
 * A delegated stage: the original Cyclone's `spec.delegation: {type, url, config}` on a
 * Stage document without `spec.pod`. Cyclone POSTs the work to `url` and waits for the
 * callback (docs/workflows.md, "Delegation stages"); it runs no container of its own.
 */
export function decodeDelegatedStage(
  r: FieldReader,
  spec: Obj,
  base: string,
  name: string,
  annotations: Obj | undefined,
  isTemplate: boolean,
): StageManifest | undefined {
  const p = `${base}.spec.delegation`;
  if (isTemplate) {
    // A template is the image and pod a stage starts from; a delegation has neither.
    r.fail(p, 'a stage template cannot be delegated');
    return undefined;
  }
  if (spec.pod !== undefined && spec.pod !== null) {
    r.fail(p, 'a Stage has spec.pod or spec.delegation, not both');
    return undefined;
  }
  const delegation = r.object(spec.delegation, p, true);
  if (!delegation) return undefined;
  const candidate = {
    name,
    delegation: {
      type: r.string(delegation, 'type', p, true),
      url: r.string(delegation, 'url', p, true),
      // Any YAML value, kept as given; `config: null` (or nothing) is no config, as for every other field.
      ...(delegation.config !== undefined && delegation.config !== null ? { config: delegation.config } : {}),
    },
    template: r.string(annotations, ANNOTATIONS.stageTemplate, `${base}.metadata.annotations`),
    caches: decodeCaches(r, spec, `${base}.spec`),
  };
  const places = {
    name: 'metadata.name',
    delegation: 'spec.delegation',
    template: `metadata.annotations.${ANNOTATIONS.stageTemplate}`,
    caches: 'spec.caches',
  };
  const parsed = stageDefinitionSchema.safeParse(candidate);
  if (!parsed.success) {
    reportIssues(r, base, parsed.error.issues, places);
    return undefined;
  }
  // What the schema cannot say: e.g. a delegated stage keeps no caches.
  const problems = stageDefinitionProblems(parsed.data);
  reportIssues(r, base, problems, places);
  return problems.length === 0 ? { kind: 'Stage', spec: parsed.data } : undefined;
}
