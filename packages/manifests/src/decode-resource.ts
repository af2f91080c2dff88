import { checkResourceSpec, checkResourceTypeSpec, resourceSpecSchema, resourceTypeSpecSchema } from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';
import { LABELS, type Manifest } from './types.js';
import { reportIssues } from './zod-paths.js';

/**
 * A Resource document: a project's resource, or, labelled
 * `resource.cyclone.dev/template: "true"`, a resource type the tenant registers
 * (the original's way: its resolver, operations, parameters and integration binding).
 */
export function decodeResource(
  r: FieldReader,
  doc: Obj,
  base: string,
  name: string,
): Extract<Manifest, { kind: 'Resource' | 'ResourceType' }> | undefined {
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (!spec) return undefined;
  const labels = r.object(r.object(doc.metadata, `${base}.metadata`)?.labels, `${base}.metadata.labels`);
  const isType = labels?.[LABELS.resourceType] === 'true' || labels?.[LABELS.resourceType] === true;
  if (isType) {
    const type = decodeResourceType(r, spec, base, name);
    return type && { kind: 'ResourceType', spec: type };
  }
  const p = `${base}.spec`;
  const persistent = r.object(spec.persistent, `${p}.persistent`);
  const candidate = {
    name,
    type: r.string(spec, 'type', p, true),
    parameters: r.nameValues(spec, 'parameters', p),
    resolver: r.string(spec, 'resolver', p),
    integration: r.string(spec, 'integration', p),
    persistent: persistent && {
      pvc: r.string(persistent, 'pvc', `${p}.persistent`, true),
      path: r.string(persistent, 'path', `${p}.persistent`, true),
      pullPolicy: r.string(persistent, 'pullPolicy', `${p}.persistent`),
    },
  };
  const resource = parsedAndChecked(r, base, resourceSpecSchema, candidate, checkResourceSpec);
  return resource && { kind: 'Resource', spec: resource };
}

function decodeResourceType(r: FieldReader, spec: Obj, base: string, name: string) {
  const p = `${base}.spec`;
  const bind = r.object(spec.bind, `${p}.bind`);
  const bindings = bind && r.object(bind.paramBindings, `${p}.bind.paramBindings`, true);
  const candidate = {
    name,
    type: r.string(spec, 'type', p, true),
    resolver: r.string(spec, 'resolver', p, true),
    operations: r.strings(spec, 'operations', p),
    parameters: r.objects(spec, 'parameters', p).map(({ item, path }) => ({
      name: r.string(item, 'name', path, true),
      required: r.boolean(item, 'required', path),
      // Folded YAML (`>`) ends descriptions with a newline.
      description: r.string(item, 'description', path)?.trim(),
    })),
    bind: bind && {
      integrationType: r.string(bind, 'integrationType', `${p}.bind`, true),
      paramBindings: bindings ?? {},
    },
  };
  return parsedAndChecked(r, base, resourceTypeSpecSchema, candidate, checkResourceTypeSpec);
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: Parameters<typeof reportIssues>[2] } };

/**
 * The candidate as the schema parses it and `check` passes it, else undefined; schema
 * issues and the check's problems are reported at the document's fields.
 */
function parsedAndChecked<T>(
  r: FieldReader,
  base: string,
  schema: { safeParse(candidate: unknown): Parsed<T> },
  candidate: unknown,
  check: (spec: T) => { path: string; message: string }[],
): T | undefined {
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    reportIssues(r, base, parsed.error.issues, { name: 'metadata.name' });
    return undefined;
  }
  const problems = check(parsed.data);
  for (const problem of problems) r.fail(`${base}.spec.${problem.path}`, problem.message);
  return problems.length === 0 ? parsed.data : undefined;
}
