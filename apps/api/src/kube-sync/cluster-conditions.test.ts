import { describe, expect, it } from 'vitest';
import { clusterConditions, isSameConditions, NO_KUBECONFIG } from './cluster-conditions.js';

const t0 = new Date('2026-11-26T10:00:00.000Z');
const t1 = new Date('2026-11-26T10:05:00.000Z');
const brief = (conditions: ReturnType<typeof clusterConditions>) =>
  conditions.map((c) => [c.type, c.status, c.reason, c.message]);

describe('clusterConditions', () => {
  it('tells an unreachable worker from a failed preparation and a missing kubeconfig', () => {
    expect(brief(clusterConditions({ error: null }, undefined, t0))).toEqual([
      ['Ready', 'True', 'Reachable', 'the worker cluster answered'],
      ['NamespacePrepared', 'True', 'Prepared', "the tenant's namespace is prepared"],
    ]);
    expect(
      brief(clusterConditions({ error: 'worker cluster unreachable: connect ECONNREFUSED' }, undefined, t0)),
    ).toEqual([
      ['Ready', 'False', 'Unreachable', 'connect ECONNREFUSED'],
      ['NamespacePrepared', 'Unknown', 'Unreachable', 'the worker cluster did not answer'],
    ]);
    expect(brief(clusterConditions({ error: 'worker cluster: namespaces is forbidden' }, undefined, t0))).toEqual([
      ['Ready', 'True', 'Reachable', 'the worker cluster answered'],
      ['NamespacePrepared', 'False', 'PrepareFailed', 'namespaces is forbidden'],
    ]);
    expect(clusterConditions({ error: NO_KUBECONFIG }, undefined, t0)[0]).toMatchObject({
      status: 'False',
      reason: 'NoKubeconfig',
    });
  });

  it('keeps the transition time while a status holds, and writes nothing for an unchanged one', () => {
    const first = clusterConditions({ error: null }, undefined, t0);
    const again = clusterConditions({ error: null }, first, t1);
    expect(again[0]?.lastTransitionTime).toBe('2026-11-26T10:00:00Z');
    expect(isSameConditions(first, again)).toBe(true);
    const down = clusterConditions({ error: 'worker cluster unreachable: timeout' }, again, t1);
    expect(down[0]?.lastTransitionTime).toBe('2026-11-26T10:05:00Z');
    expect(isSameConditions(again, down)).toBe(false);
  });
});
