import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineCutter } from '@cyclone/domain/core';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { wholeLog } from './container-log.js';
import { readLogLines } from './log-lines.js';

/**
 * Every line of `source`, read the way a lagging database reads it: paused a little after
 * each chunk (Podman 4.3 ended a follow read of this log after about 2,300 lines).
 */
async function slowlyRead(source: Readable): Promise<string[]> {
  const lines: string[] = [];
  source.on('data', () => {
    source.pause();
    void sleep(2).then(() => source.resume());
  });
  await readLogLines(source, (_, piece) => lines.push(piece.text), { cutter: () => new LineCutter(16_384, []) });
  return lines;
}

describe('an exited container’s log', () => {
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  let container: Docker.Container;

  beforeAll(async () => {
    container = await docker.createContainer({
      Image: inject('baseImage'),
      Cmd: ['sh', '-c', 'i=1; while [ $i -le 3000 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done'],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await container.wait();
  });

  afterAll(async () => {
    await container?.remove({ force: true });
  });

  it('is read to its last line by a slow reader, each stream in order', async () => {
    const lines = await slowlyRead(await wholeLog(container));
    const numbered = (prefix: string) => Array.from({ length: 3000 }, (_, i) => `${prefix} ${i + 1}`);
    expect(lines.filter((line) => line.startsWith('out '))).toEqual(numbered('out'));
    expect(lines.filter((line) => line.startsWith('err '))).toEqual(numbered('err'));
    expect(lines).toHaveLength(6000);
  });
});
