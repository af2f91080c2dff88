/**
 * Postgres text holds neither NUL nor half of a UTF-16 surrogate pair, yet JSON and YAML
 * carry both (`\u0000`, a lone `\ud800`): such a value would fail deep inside a write as
 * an internal error. Inputs are checked with this up front instead, naming where it is.
 */
export const isUnstorableText = (text: string) =>
  text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();

export const UNSTORABLE_TEXT_MESSAGE = 'holds a NUL character or half of a surrogate pair, which cannot be stored';

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** The path (e.g. `input.stages[0].name`) of the first string, key included, in `value` Postgres cannot store. */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isUnstorableText(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof key === 'string' && isUnstorableText(key)) return join(path, key);
    const found = findUnstorableText(item, join(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Deepest nesting a stored JSON value may have: Prisma refuses deeper values deep inside a
 * write ("recursion limit exceeded"), and no input of this API nests half as deep.
 */
export const MAX_INPUT_DEPTH = 32;

/** The path of the first object or list in `value` nested deeper than `max` levels, if any. */
export function findTooDeep(value: unknown, max = MAX_INPUT_DEPTH, path = '', depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= max) return path;
  const entries = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) {
    const found = findTooDeep(item, max, join(path, key), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
