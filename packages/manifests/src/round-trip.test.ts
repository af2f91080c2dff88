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
});
