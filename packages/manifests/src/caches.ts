import { type StageCache, stageCacheProblems } from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';

type Json = Record<string, unknown>;

/** `caches: [{key, paths, restoreKeys}]` of a stage; none (or an empty list) is absent, so documents without it stay as they are. */
export function decodeCaches(r: FieldReader, parent: Obj | undefined, path: string) {
  const items = r.objects(parent, 'caches', path);
  if (items.length === 0) return undefined;
  return items.map(({ item, path: itemPath }) => ({
    key: r.string(item, 'key', itemPath, true),
    paths: r.strings(item, 'paths', itemPath),
    restoreKeys: r.strings(item, 'restoreKeys', itemPath),
  }));
}

/** Reports paths outside the workspace and bad hashFiles calls at their field, naming the stage; true when there were any. */
export function reportCacheProblems(
  r: FieldReader,
  parentPath: string,
  stage: string,
  caches: readonly StageCache[] | undefined,
): boolean {
  const problems = stageCacheProblems(caches);
  for (const problem of problems) {
    const tail = problem.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
    r.fail(`${parentPath}${tail}`, `stage "${stage}": ${problem.message}`);
  }
  return problems.length > 0;
}

/** A stage's caches as printed; none prints nothing. */
export function encodeCaches(caches: readonly StageCache[] | undefined): Json[] | undefined {
  return caches?.map((cache) => {
    const item: Json = { key: cache.key, paths: [...cache.paths] };
    if (cache.restoreKeys.length > 0) item.restoreKeys = [...cache.restoreKeys];
    return item;
  });
}
