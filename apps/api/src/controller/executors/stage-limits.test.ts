import { describe, expect, it } from 'vitest';
import { memoryBytes, nanoCpus, withWorkflowResources, workloadLimits } from './stage-limits.js';

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

  it("fills the workflow's default requirements in where the workload leaves them unset, key by key", () => {
    const defaults = { requests: { cpu: '250m' }, limits: { cpu: '2', memory: '1Gi' } };
    const sidecar = { name: 'sidecar', image: 'redis' };
    const own = {
      containers: [sidecar, { name: 'main', resources: { limits: { memory: '64Mi' } }, imagePullPolicy: 'Never' }],
    };
    expect(withWorkflowResources(own, defaults)).toEqual({
      containers: [
        sidecar,
        {
          name: 'main',
          imagePullPolicy: 'Never',
          resources: { requests: { cpu: '250m' }, limits: { cpu: '2', memory: '64Mi' } },
        },
      ],
    });
    expect(workloadLimits(withWorkflowResources(own, defaults))).toEqual({ cpu: '2', memory: '64Mi' });
    // A stage without pod settings gets a workload entry of its own (and keeps its other settings).
    expect(withWorkflowResources({ volumes: [] }, { limits: { memory: '1Gi' } })).toEqual({
      volumes: [],
      containers: [{ resources: { limits: { memory: '1Gi' } } }],
    });
    expect(withWorkflowResources(undefined, { requests: { cpu: '1' } })).toEqual({
      containers: [{ resources: { requests: { cpu: '1' } } }],
    });
    // No defaults: the stage's settings as they were (the same object).
    expect(withWorkflowResources(own, undefined)).toBe(own);
    expect(withWorkflowResources(own, {})).toBe(own);
  });
});
