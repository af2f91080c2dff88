/**
 * Matrix fan-out: a stage with `matrix` (axes of values) or `matrixFrom` (a JSON list
 * in an upstream output, read when the stage is ready) runs once per combination.
 * The rules shared by the save-time checks, the planner and the controller.
 */

/** Most combinations one stage may fan out to. */
export const MAX_MATRIX_COMBINATIONS = 256;

export interface MatrixAxis {
  name: string;
  values: readonly string[];
}

/** One combination: a value for every axis, in axis order. */
export type MatrixCombination = { name: string; value: string }[];

/** How many combinations the axes make (the product of their sizes). */
export const matrixSize = (axes: readonly MatrixAxis[]) =>
  axes.reduce((product, axis) => product * axis.values.length, axes.length > 0 ? 1 : 0);

/** Every combination, the first axis varying slowest (`os=linux,go=1.22`, `os=linux,go=1.23`, …). */
export function matrixCombinations(axes: readonly MatrixAxis[]): MatrixCombination[] {
  let combinations: MatrixCombination[] = [[]];
  for (const axis of axes) {
    combinations = combinations.flatMap((head) => axis.values.map((value) => [...head, { name: axis.name, value }]));
  }
  return axes.length > 0 ? combinations : [];
}

/** The stage run of combination `index` (0-based): `<stage>.<index>`, a name no declared stage can have. */
export const matrixRunName = (stage: string, index: number) => `${stage}.${index}`;

/** The stage a combination's run belongs to, or undefined for a name that is not one. */
export function matrixParentOf(name: string): string | undefined {
  const match = /^(.+)\.(\d+)$/.exec(name);
  return match ? match[1] : undefined;
}

/** `${stages.STAGE.outputs.KEY}`, the only form matrixFrom takes. */
const MATRIX_FROM = /^\$\{stages\.([^.}]+)\.outputs\.([^}]+)\}$/;

/** The upstream output a matrixFrom names, or undefined when it is not `${stages.S.outputs.K}`. */
export function parseMatrixFrom(from: string): { stage: string; key: string } | undefined {
  const match = MATRIX_FROM.exec(from.trim());
  return match ? { stage: match[1] as string, key: match[2] as string } : undefined;
}

/**
 * The combinations a matrixFrom output gives: a JSON list whose items are objects of
 * scalars (each key an axis, as Argo's withParam) or scalars (axis `item`). Returns a
 * message instead when the text is not such a list or gives too many.
 */
export function combinationsFromJson(text: string): MatrixCombination[] | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'is not JSON: expected a list such as ["a","b"] or [{"os":"linux"}]' };
  }
  if (!Array.isArray(parsed)) return { error: 'is not a JSON list' };
  if (parsed.length > MAX_MATRIX_COMBINATIONS) {
    return { error: `gives ${parsed.length} combinations; at most ${MAX_MATRIX_COMBINATIONS} are allowed` };
  }
  const combinations: MatrixCombination[] = [];
  for (const [index, item] of parsed.entries()) {
    if (isScalar(item)) {
      combinations.push([{ name: 'item', value: String(item) }]);
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const entries = Object.entries(item);
      if (entries.length === 0 || !entries.every(([, value]) => isScalar(value))) {
        return { error: `item ${index} must be an object of strings, numbers or booleans` };
      }
      combinations.push(entries.map(([name, value]) => ({ name, value: String(value) })));
    } else {
      return { error: `item ${index} must be a string, a number, a boolean or an object of them` };
    }
  }
  return combinations;
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** The environment variable that carries axis `name` (`go-version` → `MATRIX_GO_VERSION`). */
export const matrixEnvName = (name: string) => `MATRIX_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;

/** A combination as people read it: `os=linux, go=1.22`. */
export const describeCombination = (combination: readonly { name: string; value: string }[]) =>
  combination.map(({ name, value }) => `${name}=${value}`).join(', ');

/** The workflow stage a stage run runs: its own name, or for a combination its matrix stage. */
export const declaredStageName = (name: string) => matrixParentOf(name) ?? name;
