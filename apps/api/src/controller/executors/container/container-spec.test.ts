import { describe, expect, it } from 'vitest';
import type { StageLaunch } from '../executor.js';
import { containerSpec, exitMessage, formatHandle, parseHandle, pullPolicyOf } from './container-spec.js';

const launch: StageLaunch = {
  runId: '0b0e2c4a-7f6e-4c1e-9a51-3f1f2d9b8c11',
  stage: 'build',
  attempt: 2,
  image: 'golang:1.22',
  command: ['sh', '-c'],
  args: ['go build ./...'],
  env: [{ name: 'CGO_ENABLED', value: '0' }],
  workingDir: 'src',
  firstSeq: 1,
  limits: { cpu: '500m', memory: '64Mi' },
};
const settings = { instance: 'cyclone', pidsLimit: 512, network: 'none', reportsOomKills: true };

describe('container spec', () => {
  it('gives an image build its seccomp profile and CAP_SETFCAP, nothing more', () => {
    const paths = { workspace: '/w', scratch: '/s' };
    const plain = containerSpec(launch, paths, settings).HostConfig;
    const build = containerSpec({ ...launch, buildsImages: true }, paths, settings).HostConfig;
    expect(plain?.CapDrop).toEqual(['NET_RAW', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP']);
    expect(build?.CapDrop).toEqual(['NET_RAW', 'MKNOD', 'AUDIT_WRITE']);
    expect(build?.SecurityOpt?.[0]).toBe('no-new-privileges');
    const profile = JSON.parse((build?.SecurityOpt?.[1] ?? '').replace(/^seccomp=/, '')) as {
      defaultAction: string;
      syscalls: { names: string[]; action: string; args?: unknown[] }[];
    };
    const actionOf = (name: string) =>
      profile.syscalls.filter((rule) => rule.names.includes(name) && !rule.args).map((rule) => rule.action);
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    // What buildah needs for its user namespace, chroot and mounts…
    for (const name of ['unshare', 'clone', 'mount', 'umount2', 'pivot_root', 'chroot']) {
      expect(actionOf(name), name).toEqual(['SCMP_ACT_ALLOW']);
    }
    // …and what stays refused without CAP_SYS_ADMIN and friends.
    for (const name of [
      'setns',
      'sethostname',
      'bpf',
      'perf_event_open',
      'init_module',
      'kexec_load',
      'open_by_handle_at',
    ]) {
      expect(actionOf(name), name).toEqual(['SCMP_ACT_ERRNO']);
    }
    expect(plain?.SecurityOpt).toEqual(['no-new-privileges']);
  });

  it('runs the stage in its image with its own env, the workspace, limits and no privileges', () => {
    const spec = containerSpec(
      launch,
      { workspace: '/data/workspaces/r', scratch: '/data/containers/c/cyclone' },
      settings,
    );
    expect(spec).toMatchObject({
      name: `cyclone-${launch.runId}-build-2`,
      Image: 'golang:1.22',
      Entrypoint: ['sh', '-c'],
      Cmd: ['go build ./...'],
      WorkingDir: '/workspace/src',
      Labels: { 'cyclone.dev/run': launch.runId, 'cyclone.dev/stage': 'build', 'cyclone.dev/attempt': '2' },
      HostConfig: {
        Binds: ['/data/workspaces/r:/workspace', '/data/containers/c/cyclone:/cyclone'],
        Init: true,
        Privileged: false,
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: 512,
        NanoCpus: 500_000_000,
        Memory: 64 * 2 ** 20,
        MemorySwap: 64 * 2 ** 20,
        NetworkMode: 'none',
      },
    });
    expect(spec.Env).toEqual([
      'PWD=/workspace/src',
      'CGO_ENABLED=0',
      `CYCLONE_RUN_ID=${launch.runId}`,
      'CYCLONE_STAGE=build',
      'CYCLONE_WORKSPACE=/workspace',
      'CYCLONE_RESULTS=/cyclone/results',
    ]);
    expect(spec.HostConfig?.Binds?.some((b) => b.includes('docker.sock'))).toBe(false);
  });

  it('keeps the image entrypoint when the stage gives only args, and refuses paths that leave the workspace', () => {
    const onlyArgs = containerSpec(
      { ...launch, command: [], args: ['--version'] },
      { workspace: '/w', scratch: '/s' },
      settings,
    );
    expect(onlyArgs.Entrypoint).toBeUndefined();
    expect(onlyArgs.Cmd).toEqual(['--version']);
    expect(() =>
      containerSpec({ ...launch, workingDir: '../etc' }, { workspace: '/w', scratch: '/s' }, settings),
    ).toThrow(/leaves the run workspace/);
    expect(() =>
      containerSpec({ ...launch, workingDir: '/etc/app' }, { workspace: '/w', scratch: '/s' }, settings),
    ).toThrow(/is a system folder of the stage's sandbox/);
    expect(() => containerSpec({ ...launch, image: ' ' }, { workspace: '/w', scratch: '/s' }, settings)).toThrow(
      'the stage has no image',
    );
  });

  it("sees a path outside /workspace (the original's /go/src/app) as the workspace's folder of that name", () => {
    const spec = containerSpec(
      { ...launch, workingDir: '/go/src/app/cmd' },
      { workspace: '/w', scratch: '/s' },
      settings,
      { outside: ['go'] },
    );
    expect(spec.WorkingDir).toBe('/go/src/app/cmd');
    expect(spec.HostConfig?.Binds).toEqual(
      expect.arrayContaining(['/w:/workspace', '/w/go:/go', '/w/.cyclone:/.cyclone']),
    );
    const inside = containerSpec({ ...launch, workingDir: 'src' }, { workspace: '/w', scratch: '/s' }, settings);
    expect(inside.WorkingDir).toBe('/workspace/src');
    expect(inside.HostConfig?.Binds?.some((bind) => bind.endsWith(':/.cyclone'))).toBe(false);
  });

  it('pulls like Kubernetes: Always for latest or no tag, IfNotPresent otherwise, an explicit policy wins', () => {
    expect(pullPolicyOf('alpine:latest')).toBe('Always');
    expect(pullPolicyOf('registry.local:5000/team/app')).toBe('Always');
    expect(pullPolicyOf('registry.local:5000/team/app:1.2')).toBe('IfNotPresent');
    expect(pullPolicyOf('app@sha256:abc')).toBe('IfNotPresent');
    expect(pullPolicyOf('alpine:latest', 'IfNotPresent')).toBe('IfNotPresent');
    expect(pullPolicyOf('alpine:3', 'Sometimes')).toBe('IfNotPresent');
  });

  it('round-trips handles and refuses others', () => {
    const handle = {
      host: 'ci-1',
      apiPid: 42,
      instance: '0b0e2c4a-7f6e-4c1e-9a51-3f1f2d9b8c11',
      name: 'cyclone-x-s-1',
    };
    expect(parseHandle(formatHandle(handle))).toEqual(handle);
    expect(parseHandle('local:ci-1:42:0b0e2c4a-7f6e-4c1e-9a51-3f1f2d9b8c11:7')).toBeUndefined();
    expect(parseHandle(null)).toBeUndefined();
  });

  it('explains how a container ended', () => {
    expect(exitMessage({ exitCode: 0, isOomKilled: false, wasKilled: false })).toBe('');
    expect(exitMessage({ exitCode: 2, isOomKilled: false, wasKilled: false })).toBe('exited with code 2');
    expect(exitMessage({ exitCode: 137, isOomKilled: true, wasKilled: false }, '64Mi')).toBe(
      'killed: out of memory (limit 64Mi); exit code 137',
    );
    // An engine that flags OOM kills and did not: a plain SIGKILL.
    const sigkill = { exitCode: 137, isOomKilled: false, wasKilled: false };
    expect(exitMessage({ ...sigkill, reportsOomKills: true }, '64Mi')).toBe('exited with code 137');
    // One that never flags them (Podman 4): explained as the likely cause, and said to be a guess.
    expect(exitMessage({ ...sigkill, reportsOomKills: false }, '64Mi')).toBe(
      'killed (SIGKILL) at its memory limit 64Mi: most likely out of memory (the engine does not say); exit code 137',
    );
    expect(exitMessage({ ...sigkill, reportsOomKills: false })).toBe('exited with code 137');
  });
});
