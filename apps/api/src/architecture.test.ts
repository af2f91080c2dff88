import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of apps/api/src (docs/architecture.md, "Layers and names"), checked over
 * the import graph so that it stays true. Each file belongs to a layer; an import may
 * point to its own layer or a lower one, never to a higher one. Tests, fixtures and
 * testing/ helpers are exempt: they start whole processes.
 */
const LAYERS = [
  { name: 'foundation', paths: ['config/', 'logging/', 'errors/', 'generated/'] },
  { name: 'db', paths: ['db/'] },
  { name: 'modules', paths: ['modules/', 'services.ts'] },
  { name: 'engine', paths: ['controller/', 'kube-sync/'] },
  { name: 'delivery', paths: ['graphql/', 'http/'] },
  { name: 'wiring', paths: ['app.ts', 'main.ts'] },
] as const;

/** Where the database handles live: nothing in graphql/ or http/ imports them. */
const DATABASE_HANDLES = ['db/prisma.ts', 'db/read-sql.ts', 'db/database.ts'];

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
