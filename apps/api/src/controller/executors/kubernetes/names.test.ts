import { describe, expect, it } from 'vitest';
import { fitName, parsePodHandle, podHandle, stagePodName, workflowRunName } from './names.js';

describe('stage pod names', () => {
  it('are <run>-<stage>-<attempt> and differ per attempt', () => {
    const run = workflowRunName('build', 12);
    expect(run).toBe('build-12');
    expect(stagePodName(run, 'test', 1)).toBe('build-12-test-1');
    expect(stagePodName(run, 'test', 2)).toBe('build-12-test-2');
  });

  it('hash names longer than 63 characters, deterministically and distinctly', () => {
    const run = workflowRunName('a'.repeat(50), 7);
    const first = stagePodName(run, 'compile-everything', 1);
    expect(first).toHaveLength(63);
    expect(first).toMatch(/^a{50}-7-[0-9a-f]{10}$/);
    expect(stagePodName(run, 'compile-everything', 1)).toBe(first);
    expect(stagePodName(run, 'compile-everything', 2)).not.toBe(first);
    expect(fitName(`${'b'.repeat(62)}-`)).not.toMatch(/--/);
  });

  it('round-trip handles and ignore others', () => {
    expect(parsePodHandle(podHandle('cyclone-acme', 'build-1-test-1'))).toEqual({
      namespace: 'cyclone-acme',
      pod: 'build-1-test-1',
    });
    const worker = '3f2b6c1e-8d7a-4c55-9a0e-1b2c3d4e5f60';
    expect(parsePodHandle(podHandle('cyclone-acme', 'build-1-test-1', worker))).toEqual({
      namespace: 'cyclone-acme',
      pod: 'build-1-test-1',
      clusterId: worker,
    });
    expect(parsePodHandle('k8s:cyclone-acme/build-1-test-1@not-an-id')).toBeUndefined();
    expect(parsePodHandle('local:host:1:abc:2')).toBeUndefined();
    expect(parsePodHandle(null)).toBeUndefined();
  });
});
