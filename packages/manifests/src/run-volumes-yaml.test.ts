import { describe, expect, it } from 'vitest';
import { parseManifests } from './parse.js';
import { printManifests } from './print.js';

const run = (spec: string) =>
  parseManifests(
    `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\nspec:\n  workflowRef: {name: shop}\n${spec}`,
  );

describe('WorkflowRun spec.volumes', () => {
  it("reads the original's claims, Secrets and ConfigMaps, and prints them back", () => {
    const parsed = run(
      [
        '  executionContext: {pvc: shared}',
        '  volumes:',
        '    - {type: PVC, path: m2, mountPath: /root/.m2}',
        '    - {type: Secret, objectName: docker-config, path: config.json, subPath: auth.json, mountPath: /kaniko/.docker, containerGroup: All}',
        '    - {type: ConfigMap, objectName: settings, mountPath: /etc/app}',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    const spec = parsed.documents[0]?.kind === 'WorkflowRun' ? parsed.documents[0].spec : undefined;
    expect(spec?.volumes).toEqual([
      // A PVC that names no claim mounts executionContext.pvc.
      { type: 'PVC', objectName: 'shared', path: 'm2', mountPath: '/root/.m2', containerGroup: 'Workload' },
      {
        type: 'Secret',
        objectName: 'docker-config',
        path: 'config.json',
        subPath: 'auth.json',
        mountPath: '/kaniko/.docker',
        containerGroup: 'All',
      },
      { type: 'ConfigMap', objectName: 'settings', path: '', mountPath: '/etc/app', containerGroup: 'Workload' },
    ]);
    const again = parseManifests(printManifests(parsed.documents));
    expect(again.documents).toEqual(parsed.documents);
  });

  it('refuses host paths, unnamed objects and mounts over what Cyclone mounts, naming the field', () => {
    const errors = (volume: string) => run(`  volumes:\n    - ${volume}`).errors.map((e) => `${e.path}: ${e.message}`);
    expect(errors('{type: HostPath, path: /var/run/docker.sock, mountPath: /var/run/docker.sock}')).toEqual([
      'documents[0].spec.volumes[0].type: HostPath volumes are refused: tenant namespaces enforce Pod Security (baseline or restricted), which forbids host paths',
    ]);
    expect(errors('{type: PVC, mountPath: /cache}')).toEqual([
      'documents[0].spec.volumes[0].objectName: a PVC volume names its claim here or in spec.executionContext.pvc',
    ]);
    expect(errors('{type: Secret, mountPath: /s}')).toEqual([
      'documents[0].spec.volumes[0].objectName: a Secret volume names its object',
    ]);
    expect(errors('{type: ConfigMap, objectName: c, mountPath: /workspace/conf}')[0]).toMatch(
      /^documents\[0\]\.spec\.volumes\[0\]\.mountPath: must not be \/workspace or \/cyclone/,
    );
    expect(errors('{type: PVC, objectName: c, path: ../etc, mountPath: /c}')[0]).toMatch(
      /^documents\[0\]\.spec\.volumes\[0\]\.path: must be a relative path/,
    );
    // executionContext is read once: a bad one is reported once.
    expect(run('  executionContext: ci').errors.map((e) => e.path)).toEqual(['documents[0].spec.executionContext']);
    expect(errors('{type: Disk, objectName: c, mountPath: /c}')[0]).toMatch(
      /^documents\[0\]\.spec\.volumes\[0\]\.type: must be one of PVC, Secret, ConfigMap/,
    );
  });
});
