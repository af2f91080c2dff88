import type { NameValue, StageDefinition } from './specs.js';
import type { StageTemplateSpec } from './stage-template-spec.js';

/** A stage definition, or a template's (whose resources may be typed slots). */
type Fillable = StageDefinition | StageTemplateSpec;

/** Kinds of stage templates, as Cyclone labels them (`stage.cyclone.dev/template-kind`). */
export const TEMPLATE_KINDS = ['build', 'unit-test', 'image-build', 'code-scan', 'deploy', 'custom'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** `{{ name }}` or `{{{ name }}}`, spaces inside the braces allowed. */
const PLACEHOLDER = /\{\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\}|\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export class TemplateArgumentError extends Error {
  constructor(
    /** The argument at fault. */
    readonly argument: string,
    message: string,
    /** Index in the given arguments, when the fault is a given one. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'TemplateArgumentError';
  }
}

/** Every placeholder name used anywhere in a definition, in order of first use. */
export function templatePlaceholders(definition: Fillable): string[] {
  const names = new Set<string>();
  walkStrings(withoutArguments(definition), (text) => {
    for (const match of text.matchAll(PLACEHOLDER)) names.add((match[1] ?? match[2]) as string);
    return text;
  });
  return [...names];
}

/**
 * Fills a template's placeholders with arguments; an argument not given takes the
 * default declared in `inputs.arguments`. Values go in verbatim for both `{{ }}` and
 * `{{{ }}}`: filling happens on parsed strings, never on YAML or HTML text, so quotes
 * and newlines need no escaping (Cyclone used `{{{ }}}` only to dodge mustache's
 * HTML escaping). A declared or used argument without a value, or a given argument
 * the template does not know, is an error naming it.
 */
export function fillTemplate<T extends Fillable>(definition: T, args: readonly NameValue[] = []): T {
  const declared = new Map(definition.inputs.arguments.map((a) => [a.name, a.value]));
  const used = templatePlaceholders(definition);
  const given = new Map<string, string>();
  args.forEach((arg, index) => {
    if (given.has(arg.name)) throw new TemplateArgumentError(arg.name, `argument "${arg.name}" is given twice`, index);
    if (!declared.has(arg.name) && !used.includes(arg.name)) {
      throw new TemplateArgumentError(arg.name, `the template has no argument "${arg.name}"`, index);
    }
    given.set(arg.name, arg.value);
  });
  const values = new Map<string, string>();
  for (const name of new Set([...declared.keys(), ...used])) {
    const value = given.get(name) ?? declared.get(name);
    if (value === undefined) throw new TemplateArgumentError(name, `argument "${name}" needs a value`);
    values.set(name, value);
  }
  const filled = walkStrings(withoutArguments(definition), (text) =>
    text.replace(
      PLACEHOLDER,
      (_all, triple?: string, double?: string) => values.get((triple ?? double) as string) ?? '',
    ),
  );
  return filled;
}

function withoutArguments<T extends Fillable>(definition: T): T {
  return { ...definition, inputs: { ...definition.inputs, arguments: [] } };
}

/** Copies a JSON-like value, passing every string through `map`. */
function walkStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => walkStrings(item, map)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, map)])) as T;
  }
  return value;
}
