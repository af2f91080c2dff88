import { describe, expect, it } from 'vitest';
import type { ResolverRun } from '../executor.js';
import { RESOLVER_OF_LABEL, resolverContainerSpec } from './resolver-spec.js';

const launch = {
  runId: '0b0e2c4a-7f6e-4c1e-9a51-3f1f2d9b8c11',
  stage: 'build',
  attempt: 2,
  limits: { memory: '64Mi' },
};
const settings = { instance: 'cyclone', pidsLimit: 512, network: 'none', reportsOomKills: true };
const attemptContainer = `cyclone-${launch.runId}-build-2`;
const push: ResolverRun = {
  name: 'libs',
  operation: 'push',
  image: 'registry.example.com/resolvers/maven',
  path: 'dist',
  env: [{ name: 'REPO_URL', value: 'https://m.example.com' }],
};

describe('resolver container spec', () => {
  it("runs the image's own entrypoint with the operation, its env and WORKDIR, and only the data and notify mounts", () => {
    const spec = resolverContainerSpec(
      launch,
      attemptContainer,
      3,
      push,
      { data: '/data/workspaces/r/dist', notify: '/data/containers/c/notify' },
      settings,
    );
    expect(spec).toMatchObject({
      name: `${attemptContainer}-push-3`,
      Image: 'registry.example.com/resolvers/maven:latest',
      Cmd: ['push'],
      Env: ['REPO_URL=https://m.example.com', 'WORKDIR=/cyclone/resolver'],
      Labels: { 'cyclone.dev/run': launch.runId, 'cyclone.dev/attempt': '2', [RESOLVER_OF_LABEL]: attemptContainer },
      HostConfig: {
        Binds: [
          '/data/workspaces/r/dist:/cyclone/resolver/data',
          '/data/containers/c/notify:/cyclone/resolver/notify:ro',
        ],
        Init: true,
        Privileged: false,
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: 512,
        Memory: 64 * 2 ** 20,
        NetworkMode: 'none',
      },
    });
    expect(spec.Entrypoint).toBeUndefined();
    expect(spec.WorkingDir).toBeUndefined();
  });

  it('gives a pull no notify folder, and keeps a tag or digest the image names', () => {
    const spec = resolverContainerSpec(
      launch,
      attemptContainer,
      0,
      { ...push, operation: 'pull', image: 'registry.example.com:5000/maven:v2' },
      { data: '/data/workspaces/r/libs' },
      settings,
    );
    expect(spec.HostConfig?.Binds).toEqual(['/data/workspaces/r/libs:/cyclone/resolver/data']);
    expect(spec).toMatchObject({ name: `${attemptContainer}-pull-0`, Image: 'registry.example.com:5000/maven:v2' });
  });
});
