import { describe, expect, it } from 'vitest';
import { memoryBytes, nanoCpus, workloadLimits } from './stage-limits.js';

describe('stage limits', () => {
  it('reads the workload leftovers, not a sidecar with an image', () => {
    const extras = {
      containers: [
        { name: 'sidecar', image: 'redis', resources: { limits: { cpu: '4' } } },
        { name: 'main', resources: { limits: { cpu: '500m', memory: '64Mi' } } },
      ],
    };
    expect(workloadLimits(extras)).toEqual({ cpu: '500m', memory: '64Mi' });
    expect(workloadLimits(undefined)).toEqual({});
    expect(workloadLimits({ containers: 'nonsense' })).toEqual({});
  });

  it('converts cpu quantities to nano-cpus', () => {
    expect(nanoCpus('500m')).toBe(500_000_000);
    expect(nanoCpus('2')).toBe(2_000_000_000);
    expect(nanoCpus('0.25')).toBe(250_000_000);
    expect(nanoCpus('0')).toBeUndefined();
    expect(nanoCpus('lots')).toBeUndefined();
  });

  it('converts memory quantities to bytes', () => {
    expect(memoryBytes('64Mi')).toBe(64 * 1024 * 1024);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(memoryBytes('1048576')).toBe(1048576);
    expect(memoryBytes('64MB')).toBeUndefined();
  });
});
