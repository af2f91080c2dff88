import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of apps/api/src (docs/architecture.md, "Layers and names"), checked over
 * the import graph so that it stays true. Each file belongs to a layer; an import may
 * point to its own layer or a lower one, never to a higher one. Tests, fixtures and
 * testing/ helpers are exempt: they start whole processes.
 */
const LAYERS = [
  { name: 'foundation', paths: ['config/', 'logging/', 'errors/', 'generated/', 'system/', 'observability/'] },
  { name: 'db', paths: ['db/'] },
  { name: 'modules', paths: ['modules/', 'services.ts'] },
  { name: 'engine', paths: ['controller/', 'kube-sync/'] },
  { name: 'delivery', paths: ['graphql/', 'http/'] },
  { name: 'wiring', paths: ['app.ts', 'api-process.ts', 'main.ts'] },
] as const;

/** Role suffixes of module files (`<name>.<role>.ts`); other module files have none. */
const MODULE_ROLES = ['service', 'presenter', 'repository', 'loaders', 'rules', 'inputs', 'provider'];

/** Where the database handles live: nothing in graphql/ or http/ imports them. */
const DATABASE_HANDLES = ['db/prisma.ts', 'db/plain-sql.ts', 'db/database.ts'];

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

function isTestSupport(file: string): boolean {
  return /\.test\.ts$|\.fixture\.ts$/.test(file) || file.startsWith('testing/') || file.includes('/testing/');
}

function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.paths.some((path) => file === path || file.startsWith(path)));
  if (index < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS (and to docs/architecture.md)`);
  return index;
}

/** Relative import specifiers of a file (static, re-exports, dynamic), resolved to paths below src. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC);
const production = files.filter((file) => !isTestSupport(file));

describe('apps/api/src layers', () => {
  it('puts every source file in a layer', () => {
    for (const file of production) expect(() => layerOf(file)).not.toThrow();
  });

  it('never imports from a higher layer', () => {
    const offending = production.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.endsWith('.ts') && layerOf(target) > layerOf(file))
        .map(
          (target) => `${file} (${LAYERS[layerOf(file)]?.name}) imports ${target} (${LAYERS[layerOf(target)]?.name})`,
        ),
    );
    expect(offending).toEqual([]);
  });

  it('keeps database handles out of graphql/ and http/', () => {
    const delivery = production.filter((file) => file.startsWith('graphql/') || file.startsWith('http/'));
    const offending = delivery.flatMap((file) => [
      ...importsOf(file)
        .filter((target) => DATABASE_HANDLES.includes(target))
        .map((target) => `${file} imports ${target}`),
      ...(/\.db\b/.test(readFileSync(join(SRC, file), 'utf8')) ? [`${file} reaches a .db handle`] : []),
    ]);
    expect(offending).toEqual([]);
  });
});

describe('apps/api/src names', () => {
  const sources = files.filter((file) => !/\.test\.ts$/.test(file));

  it('gives no two source files one basename (index.ts aside)', () => {
    const byName = new Map<string, string[]>();
    for (const file of sources) {
      const name = basename(file);
      if (name !== 'index.ts') byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });

  it('names a test after its subject beside it, or uniquely', () => {
    const stems = new Map<string, string[]>();
    for (const file of files.filter((f) => /\.test\.ts$/.test(f))) {
      const stem = basename(file).replace(/(\.int|\.k8s)?\.test\.ts$/, '');
      const isMirror = sources.some((source) => dirname(source) === dirname(file) && basename(source, '.ts') === stem);
      if (!isMirror) stems.set(stem, [...(stems.get(stem) ?? []), file]);
    }
    const clashes = [...stems.entries()].filter(([stem, paths]) => {
      const namesakes = sources.filter((source) => basename(source, '.ts') === stem);
      return paths.length + namesakes.length > 1;
    });
    expect(clashes).toEqual([]);
  });

  it('gives module files a documented role suffix, after the folder name or a topic', () => {
    const offending = sources
      .filter((file) => file.startsWith('modules/') && !isTestSupport(file))
      .filter((file) => {
        const [name = '', role, ...rest] = basename(file, '.ts').split('.');
        const folder = basename(dirname(file));
        if (rest.length > 0 || (role !== undefined && !MODULE_ROLES.includes(role))) return true;
        // `stage.service.ts` in modules/stages/: the folder's name is `stages`.
        return role !== undefined && `${name}s` === folder;
      });
    expect(offending).toEqual([]);
  });
});
