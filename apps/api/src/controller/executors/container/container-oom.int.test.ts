import Docker from 'dockerode';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { engineLoggedOomKill } from './container-oom.js';

/** The engine's own `oom` event, asked for when an exit at a memory limit is not flagged. */
describe('an out-of-memory kill in the engine’s events', () => {
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  const isPodman = inject('engine') === 'podman';
  const made: Docker.Container[] = [];

  /** Runs `script` to its end with a 48 MiB limit; its exit code and start time. */
  async function ran(script: string) {
    const container = await docker.createContainer({
      Image: inject('baseImage'),
      Cmd: ['sh', '-c', script],
      HostConfig: { NetworkMode: 'none', Init: true, Memory: 48 * 1024 * 1024, MemorySwap: 48 * 1024 * 1024 },
    });
    made.push(container);
    await container.start();
    await container.wait();
    const { State } = await container.inspect();
    return { id: container.id, exitCode: State.ExitCode, startedAt: State.StartedAt };
  }

  afterAll(async () => {
    await Promise.all(made.map((container) => container.remove({ force: true })));
  });

  it('is found for a process the kernel killed at the limit', async () => {
    const hog = await ran('head -c 400m /dev/zero | tail');
    expect(hog.exitCode).toBe(137);
    // Podman 4 logs no out-of-memory event either (its executor says "most likely").
    expect(await engineLoggedOomKill(docker, hog.id, hog.startedAt)).toBe(!isPodman);
  });

  it('is not found for a process that killed itself with SIGKILL', async () => {
    const suicide = await ran('kill -9 $$');
    expect(suicide.exitCode).toBe(137);
    expect(await engineLoggedOomKill(docker, suicide.id, suicide.startedAt)).toBe(false);
  });
});
