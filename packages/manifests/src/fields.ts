import type { ManifestError } from './types.js';

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads loosely typed YAML values while remembering where problems are: every read
 * names the field path, and a problem is collected instead of thrown so one parse
 * reports every mistake of a document.
 */
export class FieldReader {
  constructor(
    private readonly errors: ManifestError[],
    readonly document: number,
  ) {}

  private readonly reported = new Set<string>();

  /** Records a problem; a field reported once is not reported again by a later check. */
  fail(path: string, message: string): void {
    if (this.reported.has(path)) return;
    this.reported.add(path);
    this.errors.push({ document: this.document, path, message });
  }

  object(value: unknown, path: string, required = false): Obj | undefined {
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'required');
      return undefined;
    }
    if (!isObject(value)) {
      this.fail(path, 'must be a mapping');
      return undefined;
    }
    return value;
  }

  string(parent: Obj | undefined, key: string, path: string, required = false): string | undefined {
    const value = parent?.[key];
    if (value === undefined || value === null) {
      if (required) this.fail(`${path}.${key}`, 'required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(`${path}.${key}`, 'must be a string');
      return undefined;
    }
    return value;
  }

  /** Values of parameters, arguments and env: YAML numbers and booleans are taken as text. */
  scalar(parent: Obj | undefined, key: string, path: string, required = false): string | undefined {
    const value = parent?.[key];
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.string(parent, key, path, required);
  }

  boolean(parent: Obj | undefined, key: string, path: string): boolean | undefined {
    const value = parent?.[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(`${path}.${key}`, 'must be true or false');
      return undefined;
    }
    return value;
  }

  integer(parent: Obj | undefined, key: string, path: string): number | undefined {
    const value = parent?.[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(`${path}.${key}`, 'must be an integer');
      return undefined;
    }
    return value;
  }

  /** A list of items; a missing list is empty. */
  list(parent: Obj | undefined, key: string, path: string): unknown[] {
    const value = parent?.[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(`${path}.${key}`, 'must be a list');
      return [];
    }
    return value;
  }

  objects(parent: Obj | undefined, key: string, path: string): { item: Obj; path: string }[] {
    const out: { item: Obj; path: string }[] = [];
    this.list(parent, key, path).forEach((value, index) => {
      const item = this.object(value, `${path}.${key}[${index}]`, true);
      if (item) out.push({ item, path: `${path}.${key}[${index}]` });
    });
    return out;
  }

  strings(parent: Obj | undefined, key: string, path: string): string[] {
    const out: string[] = [];
    this.list(parent, key, path).forEach((value, index) => {
      if (typeof value === 'string') out.push(value);
      else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
      else this.fail(`${path}.${key}[${index}]`, 'must be a string');
    });
    return out;
  }

  /** `[{name, value}]` lists: env, parameters, global variables. */
  nameValues(parent: Obj | undefined, key: string, path: string): { name: string; value: string }[] {
    const out: { name: string; value: string }[] = [];
    for (const { item, path: itemPath } of this.objects(parent, key, path)) {
      const name = this.string(item, 'name', itemPath, true);
      const value = this.scalar(item, 'value', itemPath) ?? '';
      if (name !== undefined) out.push({ name, value });
    }
    return out;
  }
}
