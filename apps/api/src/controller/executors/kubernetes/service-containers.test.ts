import type { V1Pod } from '@cyclone/k8s';
import { describe, expect, it } from 'vitest';
import { podOutcome } from './pod-outcome.js';
import { buildStagePod, type StagePodInput } from './pod-spec.js';

const base: StagePodInput = {
  namespace: 'cyclone-acme',
  podName: 'build-3-test-1',
  names: { tenant: 'acme', project: 'web', workflow: 'build', run: 'build-3', instance: 'cyclone' },
  stage: 'test',
  attempt: 1,
  runId: 'run-1',
  image: 'debian',
  command: ['redis-cli', '-h', 'db', 'ping'],
  args: [],
  env: [],
  firstSeq: 1,
  helperImage: 'cyclone/stage-helper:1',
  apiUrl: 'http://cyclone-api',
  secretName: 'build-3-test-1',
  serviceAccountName: 'cyclone-stage',
  resources: [{ name: 'src', type: 'Git', url: 'http://git/x', revision: 'main', path: 'src' }],
};

const services = [
  {
    name: 'db',
    image: 'local/redis:bookworm',
    command: ['redis-server'],
    args: ['--port', '6379'],
    env: [{ name: 'LANG', value: 'C' }],
    readiness: { tcpPort: 6379 },
  },
  {
    name: 'cache',
    image: 'memcached',
    command: [],
    args: [],
    env: [],
    readiness: { command: ['true'], timeout: '90s' },
  },
  { name: 'plain', image: 'busybox', command: [], args: [], env: [] },
];

describe('buildStagePod with services', () => {
  it('runs each service as a native sidecar after the inputs, probed until its readiness timeout', () => {
    const pod = buildStagePod({ ...base, podSecurity: 'BASELINE', services });
    expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual([
      'helper',
      'inputs',
      'svc-db',
      'svc-cache',
      'svc-plain',
    ]);
    const [db, cache, plain] = pod.spec?.initContainers?.slice(2) ?? [];
    expect(db).toEqual({
      name: 'svc-db',
      image: 'local/redis:bookworm',
      command: ['redis-server'],
      args: ['--port', '6379'],
      env: [{ name: 'LANG', value: 'C' }],
      restartPolicy: 'Always',
      startupProbe: { tcpSocket: { port: 6379 }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 120 },
    });
    expect(cache?.startupProbe).toEqual({
      exec: { command: ['true'] },
      periodSeconds: 1,
      timeoutSeconds: 1,
      failureThreshold: 90,
    });
    expect(plain).toEqual({ name: 'svc-plain', image: 'busybox', restartPolicy: 'Always' });
    expect(pod.spec?.containers?.map((c) => c.name)).toEqual(['main']);
  });

  it('makes every service name the loopback address, beside the host aliases the stage declares', () => {
    const pod = buildStagePod({
      ...base,
      services,
      podSpecExtras: { hostAliases: [{ ip: '10.0.0.9', hostnames: ['registry.local'] }] },
    });
    expect(pod.spec?.hostAliases).toEqual([
      { ip: '10.0.0.9', hostnames: ['registry.local'] },
      { ip: '127.0.0.1', hostnames: ['db', 'cache', 'plain'] },
    ]);
    // The restricted level holds for services as for any container.
    expect(pod.spec?.initContainers?.[2]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(buildStagePod(base).spec?.hostAliases).toBeUndefined();
  });
});

describe('podOutcome of a service that never became ready', () => {
  const pod = buildStagePod({ ...base, services: services.slice(0, 1) });
  const withStatus = (status: V1Pod['status']): V1Pod => ({ ...pod, status });
  const now = new Date();

  it('fails the attempt once the kubelet restarted the service before the workload started', () => {
    const restarted = withStatus({
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'svc-db',
          image: 'local/redis:bookworm',
          imageID: '',
          ready: false,
          restartCount: 1,
          lastState: { terminated: { exitCode: 137, reason: 'Error' } },
          state: { running: {} },
        },
      ],
      containerStatuses: [
        {
          name: 'main',
          image: 'debian',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'PodInitializing' } },
        },
      ],
    });
    expect(podOutcome(restarted, now)).toEqual({
      isEnded: true,
      exitCode: null,
      message: 'service "db" did not become ready within 120s; it ended with exit code 137 (Error)',
    });
  });

  it('leaves a restart alone once the workload runs (the stage itself says what went wrong)', () => {
    const running = withStatus({
      phase: 'Running',
      initContainerStatuses: [
        { name: 'svc-db', image: 'x', imageID: '', ready: true, restartCount: 2, state: { running: {} } },
      ],
      containerStatuses: [
        { name: 'main', image: 'debian', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
      ],
    });
    expect(podOutcome(running, now)).toEqual({ isEnded: false, message: '' });
  });
});
