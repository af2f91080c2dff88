import type { NameValue } from './specs.js';

/**
 * Values of a run: generators in global variables and references in stage fields.
 *
 * Generators (in global variable values, evaluated once per run):
 * - `$(random:N)`: N (1..256) random lower-case letters and digits.
 * - `$(timenow:LAYOUT)`: the run's time in UTC, formatted with a Go reference-time
 *   layout. Supported tokens: `2006` year, `01` month, `02` day, `15` hour (00-23),
 *   `04` minute, `05` second, `.000` milliseconds, `Z07:00` (`Z`), `-07:00`
 *   (`+00:00`), `-0700` (`+0000`), `MST` (`UTC`); every other character is literal.
 * - `$$(` before `random:` or `timenow:` escapes a literal `$(`. Any other `$(...)`
 *   (shell command substitution) is left alone.
 *
 * References (in a stage's command, args, env values and workingDir):
 * - `${variables.NAME}` and `${stages.STAGE.outputs.KEY}`; an unknown one is an
 *   error naming it. `${matrix.NAME}`: a value of a matrix stage's combination (an
 *   error in any other stage).
 * - `${secrets.INTEGRATION.FIELD}`: a secret field of an integration of the run's
 *   tenant. An unknown integration or field is an error naming the reference, never
 *   a value; every value substituted is recorded in `usedSecrets` (to be masked). `$${...}` escapes a literal `${...}`; any other `${...}`
 *   (e.g. `${HOME}`) is left for the shell. Substituted values are not scanned again.
 */

export class ValuesError extends Error {
  override name = 'ValuesError';
}

export interface ValueSources {
  now: Date;
  /** A number in [0, 1), like Math.random. */
  random: () => number;
}

const MAX_RANDOM_LENGTH = 256;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const GENERATOR = /\$(\$?)\((random|timenow):([^)]*)\)/g;
const LAYOUT_TOKEN = /2006|Z07:00|-07:00|-0700|MST|\.000|01|02|15|04|05/g;

/** The global variables with their generators evaluated. */
export function resolveGlobalVariables(vars: readonly NameValue[], sources: ValueSources): NameValue[] {
  return vars.map(({ name, value }) => ({
    name,
    value: value.replace(GENERATOR, (whole, escaped: string, kind: string, argument: string) => {
      if (escaped) return whole.slice(1);
      try {
        return kind === 'random' ? randomText(argument, sources.random) : formatTime(sources.now, argument);
      } catch (error) {
        throw new ValuesError(`variable "${name}": ${(error as Error).message}`);
      }
    }),
  }));
}

function randomText(argument: string, random: () => number): string {
  const length = /^\d+$/.test(argument) ? Number(argument) : Number.NaN;
  if (!(length >= 1 && length <= MAX_RANDOM_LENGTH)) {
    throw new ValuesError(`$(random:${argument}) needs a length from 1 to ${MAX_RANDOM_LENGTH}`);
  }
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length) % ALPHABET.length];
  return text;
}

/** Formats `now` in UTC with a Go reference-time layout (see the module comment). */
export function formatTime(now: Date, layout: string): string {
  if (layout === '') throw new ValuesError('$(timenow:) needs a layout, e.g. 2006-01-02T15:04:05Z07:00');
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const parts: Record<string, string> = {
    '2006': pad(now.getUTCFullYear(), 4),
    '01': pad(now.getUTCMonth() + 1),
    '02': pad(now.getUTCDate()),
    '15': pad(now.getUTCHours()),
    '04': pad(now.getUTCMinutes()),
    '05': pad(now.getUTCSeconds()),
    '.000': `.${pad(now.getUTCMilliseconds(), 3)}`,
    'Z07:00': 'Z',
    '-07:00': '+00:00',
    '-0700': '+0000',
    MST: 'UTC',
  };
  return layout.replace(LAYOUT_TOKEN, (token) => parts[token] as string);
}

export interface SubstitutionContext {
  variables: readonly NameValue[];
  /** Outputs of the stages a stage may refer to (its succeeded upstream stages). */
  stages: ReadonlyMap<string, readonly { key: string; value: string }[]>;
  /** Secret fields of the integrations the text may name; absent: `${secrets.…}` is an error. */
  secrets?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Collects every secret value substituted. */
  usedSecrets?: Set<string>;
  /** A matrix combination's values; absent: the stage has none. */
  matrix?: ReadonlyMap<string, string>;
}

const SECRET_REFERENCE = /(?<!\$)\$\{secrets\.([^.}]+)\.([^}]+)\}/g;

/** Every `${secrets.INTEGRATION.FIELD}` of the texts (escaped ones left out), in order. */
export function secretReferences(texts: Iterable<string>): { integration: string; field: string }[] {
  const found: { integration: string; field: string }[] = [];
  for (const text of texts) {
    for (const match of text.matchAll(SECRET_REFERENCE)) {
      found.push({ integration: match[1] as string, field: match[2] as string });
    }
  }
  return found;
}

/** Integration names referenced as `${secrets.NAME.FIELD}` (escaped ones left out). */
export function secretIntegrations(texts: Iterable<string>): Set<string> {
  return new Set(secretReferences(texts).map((reference) => reference.integration));
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;

/** Replaces `${variables.NAME}` and `${stages.STAGE.outputs.KEY}`; throws ValuesError on an unknown one. */
export function substitute(text: string, context: SubstitutionContext): string {
  return text.replace(REFERENCE, (whole, escaped: string, inner: string) => {
    if (escaped) return whole.slice(1);
    if (inner.startsWith('variables.')) {
      const name = inner.slice('variables.'.length);
      const found = context.variables.find((variable) => variable.name === name);
      if (!found) throw new ValuesError(`unknown reference ${whole}: no variable "${name}"`);
      return found.value;
    }
    if (inner.startsWith('stages.')) {
      const match = /^stages\.([^.]+)\.outputs\.(.+)$/.exec(inner);
      if (!match) throw new ValuesError(`unknown reference ${whole}: expected \${stages.STAGE.outputs.KEY}`);
      const [, stage, key] = match as unknown as [string, string, string];
      const outputs = context.stages.get(stage);
      if (!outputs) {
        throw new ValuesError(`unknown reference ${whole}: "${stage}" is not a succeeded upstream stage`);
      }
      const found = outputs.find((output) => output.key === key);
      if (!found) throw new ValuesError(`unknown reference ${whole}: stage "${stage}" has no output "${key}"`);
      return found.value;
    }
    if (inner.startsWith('secrets.')) return secretValue(whole, inner, context);
    if (inner.startsWith('matrix.')) {
      const name = inner.slice('matrix.'.length);
      const value = context.matrix?.get(name);
      if (value === undefined) {
        throw new ValuesError(
          context.matrix
            ? `unknown reference ${whole}: the matrix has no "${name}"`
            : `unknown reference ${whole}: the stage has no matrix`,
        );
      }
      return value;
    }
    return whole;
  });
}

function secretValue(whole: string, inner: string, context: SubstitutionContext): string {
  const match = /^secrets\.([^.]+)\.(.+)$/.exec(inner);
  if (!match) throw new ValuesError(`unknown reference ${whole}: expected \${secrets.INTEGRATION.FIELD}`);
  const [, integration, field] = match as unknown as [string, string, string];
  const fields = context.secrets?.get(integration);
  if (!fields) throw new ValuesError(`unknown reference ${whole}: no integration "${integration}" in this tenant`);
  const value = fields[field];
  if (value === undefined) {
    throw new ValuesError(`unknown reference ${whole}: integration "${integration}" has no secret field "${field}"`);
  }
  context.usedSecrets?.add(value);
  return value;
}
