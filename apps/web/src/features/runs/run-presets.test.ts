import { describe, expect, it } from 'vitest';
import { emptyVolumeRow, volumesInput, volumeText } from './run-presets';

describe('run presets', () => {
  it('sends the typed volumes only, trimmed, without defaults', () => {
    expect(
      volumesInput([
        emptyVolumeRow(),
        { type: 'PVC', objectName: ' cache ', path: 'm2', mountPath: '/root/.m2 ', containers: 'WORKLOAD' },
        { type: 'SECRET', objectName: 'docker-config', path: '', mountPath: '/kaniko/.docker', containers: 'ALL' },
      ]),
    ).toEqual([
      { type: 'PVC', objectName: 'cache', path: 'm2', mountPath: '/root/.m2' },
      { type: 'SECRET', objectName: 'docker-config', mountPath: '/kaniko/.docker', containers: 'ALL' },
    ]);
  });

  it('says what a volume mounts where', () => {
    expect(
      volumeText({ type: 'PVC', objectName: 'cache', path: 'm2', mountPath: '/root/.m2', containers: 'WORKLOAD' }),
    ).toBe('PVC cache:m2 → /root/.m2');
    expect(
      volumeText({
        type: 'SECRET',
        objectName: 'docker-config',
        path: '',
        mountPath: '/kaniko/.docker',
        containers: 'ALL',
      }),
    ).toBe('SECRET docker-config → /kaniko/.docker (ALL)');
  });
});
