import { describe, expect, it } from 'vitest';
import { minQuantity, parseQuantity } from './quantity.js';
import { buildTenantObjects, stageEgress } from './tenant-objects.js';

describe('quantities', () => {
  it('parse CPU and memory amounts', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1Gi')).toBe(1024 ** 3);
    expect(parseQuantity('1.5G')).toBe(1.5e9);
    expect(parseQuantity('lots')).toBeUndefined();
  });

  it('take the smaller one', () => {
    expect(minQuantity('1', '500m')).toBe('500m');
    expect(minQuantity('1Gi', '8Gi')).toBe('1Gi');
    expect(minQuantity('1', null)).toBe('1');
    expect(minQuantity('1', 'lots')).toBe('1');
  });

  it('cap the container defaults at a small tenant quota', () => {
    const { objects, absent } = buildTenantObjects(
      { id: 'id', name: 'tiny', quotaCpu: '250m', quotaMemory: null, podSecurity: 'RESTRICTED' },
      { instance: 'cyclone' },
    );
    const limitRange = objects.find((o) => o.kind === 'LimitRange') as unknown as {
      spec: { limits: { _default: Record<string, string>; max: Record<string, string> }[] };
    };
    expect(limitRange.spec.limits[0]?._default).toEqual({ cpu: '250m', memory: '1Gi' });
    expect(limitRange.spec.limits[0]?.max).toEqual({ cpu: '250m' });
    expect(absent.map((o) => o.kind)).toEqual(['Role', 'RoleBinding']);
    const none = buildTenantObjects(
      { id: 'id', name: 'free', quotaCpu: null, quotaMemory: null, podSecurity: 'BASELINE' },
      { instance: 'c' },
    );
    const namespace = none.objects.find((o) => o.kind === 'Namespace');
    expect(namespace?.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const restricted = objects.find((o) => o.kind === 'Namespace');
    expect(restricted?.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(none.objects.map((o) => o.kind)).not.toContain('ResourceQuota');
    expect(none.absent.map((o) => o.kind)).toEqual(['Role', 'RoleBinding', 'ResourceQuota']);
  });

  it('keep stage pods from the denied CIDRs, with DNS allowed; nothing denied allows all', () => {
    expect(stageEgress([])).toEqual([{}]);
    const [dns, rest] = stageEgress(['169.254.0.0/16', '10.96.0.1/32', 'fe80::/10']) as {
      to: unknown[];
      ports?: unknown[];
    }[];
    expect(dns?.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(rest?.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '10.96.0.1/32'] } },
      { ipBlock: { cidr: '::/0', except: ['fe80::/10'] } },
    ]);
  });
});
