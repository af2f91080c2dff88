import type { FieldReader } from './fields.js';

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Reports schema problems at the YAML field they come from. `places` maps the first
 * key of a spec field to where it lives in the document (e.g. `image` →
 * `spec.pod.spec.containers[0].image`); the rest of the path is appended.
 */
export function reportIssues(
  reader: FieldReader,
  base: string,
  issues: readonly Issue[],
  places: Record<string, string>,
): void {
  for (const issue of issues) {
    const [first, ...rest] = issue.path;
    const head = first === undefined ? 'spec' : (places[String(first)] ?? `spec.${String(first)}`);
    const tail = rest.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    reader.fail(`${base}.${head}${tail}`, issue.message);
  }
}
