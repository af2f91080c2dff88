import { describe, expect, it } from 'vitest';
import { chooseExecutor } from './choose-executor.js';

const engineUp = { answers: true, where: '/var/run/docker.sock' };
const engineDown = { answers: false, where: '/var/run/docker.sock', error: 'connect ENOENT' };

describe('chooseExecutor', () => {
  it('auto: kubernetes with a cluster, else container when an engine answers, else host', () => {
    expect(chooseExecutor({ requested: 'auto', hasCluster: true, engine: engineUp }).kind).toBe('kubernetes');
    expect(chooseExecutor({ requested: 'auto', hasCluster: false, engine: engineUp }).kind).toBe('container');
    expect(chooseExecutor({ requested: 'auto', hasCluster: false, engine: engineDown })).toEqual({
      kind: 'host',
      reason: 'no cluster, and no container engine answers at /var/run/docker.sock',
    });
  });

  it('an explicit choice never falls back', () => {
    expect(() => chooseExecutor({ requested: 'container', hasCluster: false, engine: engineDown })).toThrow(
      'CYCLONE_EXECUTOR=container, but no container engine answers at /var/run/docker.sock (connect ENOENT)',
    );
    expect(() => chooseExecutor({ requested: 'kubernetes', hasCluster: false, engine: engineUp })).toThrow(
      /needs a cluster/,
    );
    expect(chooseExecutor({ requested: 'host', hasCluster: true, engine: engineUp }).kind).toBe('host');
    expect(chooseExecutor({ requested: 'container', hasCluster: true, engine: engineUp }).kind).toBe('container');
  });
});
