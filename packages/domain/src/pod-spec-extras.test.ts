import { describe, expect, it } from 'vitest';
import { checkPodSpecExtras } from './pod-spec-extras.js';

describe('checkPodSpecExtras', () => {
  it('accepts what a CI stage needs: more containers, its own volumes, placement and limits', () => {
    expect(
      checkPodSpecExtras({
        containers: [
          {
            name: 'main',
            resources: { limits: { memory: '1Gi' } },
            volumeMounts: [{ name: 'cache', mountPath: '/c' }],
          },
          { name: 'db', image: 'postgres:17', ports: [{ containerPort: 5432 }], securityContext: { runAsUser: 999 } },
        ],
        volumes: [
          { name: 'cache', emptyDir: {} },
          { name: 'conf', configMap: { name: 'ci' } },
        ],
        nodeSelector: { pool: 'ci' },
        tolerations: [{ key: 'ci', operator: 'Exists' }],
        securityContext: { runAsNonRoot: true, fsGroup: 1000 },
      }),
    ).toEqual([]);
    expect(checkPodSpecExtras(undefined)).toEqual([]);
  });

  it('refuses every way out to the node, its network, its files or another identity, naming each path', () => {
    const problems = checkPodSpecExtras({
      hostNetwork: true,
      hostPID: true,
      nodeName: 'node-1',
      serviceAccountName: 'cyclone-controller',
      containers: [
        { name: 'main', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } },
        { name: 'dind', image: 'docker:dind', ports: [{ containerPort: 2375, hostPort: 2375 }] },
      ],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '0' }] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'hostNetwork',
      'hostPID',
      'nodeName',
      'serviceAccountName',
      'containers[0].securityContext.privileged',
      'containers[0].securityContext.capabilities.add',
      'containers[1].ports[0].hostPort',
      'volumes[0].hostPath',
      'securityContext.sysctls',
    ]);
    expect(problems[0]?.message).toMatch(/^is not allowed in a stage's pod \(allowed: containers, volumes, /);
    expect(problems[7]?.message).toMatch(/^is not an allowed volume source/);
  });

  it('refuses privilege escalation and an unconfined seccomp profile', () => {
    const problems = checkPodSpecExtras({
      containers: [{ name: 'main', securityContext: { allowPrivilegeEscalation: true } }],
      securityContext: { seccompProfile: { type: 'Unconfined' } },
    });
    expect(problems).toEqual([
      { path: 'containers[0].securityContext.allowPrivilegeEscalation', message: 'may only be false' },
      { path: 'securityContext.seccompProfile.type', message: 'may not be Unconfined' },
    ]);
  });
});
