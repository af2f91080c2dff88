import { describe, expect, it } from 'vitest';
import type { StageLaunch } from '../executor.js';
import { containerSpec } from './container-spec.js';
import { isListening, readinessExec, serviceContainerSpec, serviceImageOf, sharedNetworkOf } from './service-spec.js';

const settings = { instance: 'cyclone', network: 'none', pidsLimit: 64, reportsOomKills: true };
const launch: StageLaunch = {
  runId: 'run-1',
  stage: 'test',
  attempt: 2,
  image: 'debian',
  command: ['redis-cli', '-h', 'db', 'ping'],
  args: [],
  env: [],
  firstSeq: 1,
  services: [
    { name: 'db', image: 'redis', command: [], args: ['--port', '6379'], env: [], readiness: { tcpPort: 6379 } },
    { name: 'cache', image: 'memcached:1', command: ['memcached'], args: [], env: [{ name: 'A', value: 'b' }] },
  ],
};
const attempt = 'cyclone-run-1-test-2';

describe('service containers of the container executor', () => {
  it('puts the first service on the installation network with every name on loopback; the others join it', () => {
    const first = serviceContainerSpec(launch, attempt, 0, settings);
    expect(first).toMatchObject({
      name: 'cyclone-run-1-test-2-svc-db',
      Image: 'redis:latest',
      Cmd: ['--port', '6379'],
      Labels: { 'cyclone.dev/service-of': attempt, 'cyclone.dev/run': 'run-1', 'cyclone.dev/attempt': '2' },
      HostConfig: { NetworkMode: 'none', ExtraHosts: ['db:127.0.0.1', 'cache:127.0.0.1'], Init: true },
    });
    expect(first.Entrypoint).toBeUndefined();
    const second = serviceContainerSpec(launch, attempt, 1, settings, '/engine/hosts');
    expect(second).toMatchObject({
      Image: 'memcached:1',
      Entrypoint: ['memcached'],
      Env: ['A=b'],
      HostConfig: { NetworkMode: 'container:cyclone-run-1-test-2-svc-db', Binds: ['/engine/hosts:/etc/hosts:ro'] },
    });
    expect(second.HostConfig?.ExtraHosts).toBeUndefined();
    const stage = containerSpec(launch, { workspace: '/w', scratch: '/s' }, settings, {
      network: sharedNetworkOf(attempt, launch.services ?? []),
    });
    expect(stage.HostConfig?.NetworkMode).toBe('container:cyclone-run-1-test-2-svc-db');
  });

  it('names a tag for every image, as the Docker CLI reads it', () => {
    const image = (name: string) => serviceImageOf({ name: 'db', image: name, command: [], args: [], env: [] });
    expect(image('redis')).toBe('redis:latest');
    expect(image('127.0.0.1:5000/redis')).toBe('127.0.0.1:5000/redis:latest');
    expect(image('127.0.0.1:5000/redis:7')).toBe('127.0.0.1:5000/redis:7');
    expect(image('redis@sha256:abc')).toBe('redis@sha256:abc');
  });

  it('checks a port by the listening sockets in /proc/net/tcp and tcp6', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 1 1',
      '   1: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000   999        0 2 1',
      '   0: 00000000000000000000000000000000:1A0B 00000000000000000000000000000000:0000 0A 00000000:00000000',
    ].join('\n');
    expect(isListening(tcp, 6379)).toBe(true);
    expect(isListening(tcp, 6667)).toBe(true);
    // Connected (01), not listening.
    expect(isListening(tcp, 8080)).toBe(false);
    expect(readinessExec(launch.services?.[0] as never)).toEqual(['cat', '/proc/net/tcp', '/proc/net/tcp6']);
    expect(readinessExec(launch.services?.[1] as never)).toBeUndefined();
  });
});
