import { describe, expect, it } from 'vitest';
import { parseManifests, printManifests } from './index.js';
import { generateManifests } from './testing/generate.js';

describe('parse(print(x)) = x', () => {
  const seeds = Array.from({ length: 200 }, (_, i) => i * 7919 + 1);

  it.each(seeds.map((seed) => [seed]))('for generated documents (seed %i)', (seed) => {
    const manifests = generateManifests(seed);
    const text = printManifests(manifests);
    const parsed = parseManifests(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents).toEqual(manifests);
    expect(printManifests(parsed.documents)).toBe(text);
  });

  it('covers delegated stages with text, mapping and no config', () => {
    const configs = seeds
      .flatMap((seed) => generateManifests(seed))
      .flatMap((m) => (m.kind === 'Stage' && m.spec.delegation ? [m.spec.delegation.config] : []));
    expect(configs.some((c) => typeof c === 'string')).toBe(true);
    expect(configs.some((c) => typeof c === 'object' && c !== null && !Array.isArray(c))).toBe(true);
    expect(configs.some((c) => c === undefined)).toBe(true);
  });

  it('covers workflows with requests only, limits only, both, and none', () => {
    const resources = seeds
      .flatMap((seed) => generateManifests(seed))
      .flatMap((m) => (m.kind === 'Workflow' ? [m.spec.resources] : []));
    expect(resources.some((r) => r?.requests && !r.limits)).toBe(true);
    expect(resources.some((r) => r?.limits && !r.requests)).toBe(true);
    expect(resources.some((r) => r?.requests && r.limits)).toBe(true);
    expect(resources.some((r) => r === undefined)).toBe(true);
  });
});
