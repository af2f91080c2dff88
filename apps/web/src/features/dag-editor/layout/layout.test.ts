import { describe, expect, it } from 'vitest';
import { dagreLayout } from './dagre-layout';
import { isDagreLoaded, layeredLayout, layoutStages, NODE_WIDTH, preloadDagre } from './layout';

const diamond = [
  { name: 'a', dependsOn: [] },
  { name: 'b', dependsOn: ['a'] },
  { name: 'c', dependsOn: ['a'] },
  { name: 'd', dependsOn: ['b', 'c', 'ghost'] },
];

function chainOf(count: number) {
  return Array.from({ length: count }, (_, i) => ({ name: `s${i}`, dependsOn: i > 0 ? [`s${i - 1}`] : [] }));
}

describe('layout', () => {
  for (const [name, layout] of [
    ['dagre', dagreLayout],
    ['layered', layeredLayout],
  ] as const) {
    it(`${name}: places stages left to right by dependency depth, ignoring unknown dependencies`, () => {
      const p = layout(diamond);
      expect(Object.keys(p).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(p.a?.x).toBeLessThan(p.b?.x as number);
      expect(p.b?.x).toBe(p.c?.x);
      expect(p.b?.y).not.toBe(p.c?.y);
      expect(p.d?.x).toBeGreaterThan(p.b?.x as number);
      expect((p.d?.x as number) - (p.b?.x as number)).toBeGreaterThanOrEqual(NODE_WIDTH);
    });
  }

  it('layered: stages in a cycle still get a place', () => {
    const p = layeredLayout([
      { name: 'x', dependsOn: ['y'] },
      { name: 'y', dependsOn: ['x'] },
      { name: 'z', dependsOn: [] },
    ]);
    expect(p.x).toBeDefined();
    expect(p.y).toBeDefined();
    expect(p.z?.x).toBeLessThan(p.x?.x as number);
  });

  it('uses dagre for small graphs once it is loaded', async () => {
    expect(layoutStages(diamond)).toEqual(layeredLayout(diamond));
    await preloadDagre();
    expect(isDagreLoaded()).toBe(true);
    expect(layoutStages(diamond)).toEqual(dagreLayout(diamond));
  });

  it('uses the linear layout for large graphs', () => {
    const big = chainOf(600);
    const p = layoutStages(big);
    expect(p.s599?.x).toBeGreaterThan(p.s0?.x as number);
    expect(layoutStages(big)).toEqual(layeredLayout(big));
  });
});
