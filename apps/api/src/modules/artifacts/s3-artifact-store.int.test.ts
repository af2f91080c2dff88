// The S3 artifact store against versitygw, a real S3 server: round trips, streamed
// multipart uploads, the size limit and an interrupted upload leaving nothing, tar'd
// directories, retention, and two stores (two processes' view) sharing a bucket.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../testing/s3-server.js';
import { tempDir } from '../integration-checks/testing/processes.js';
import { ArtifactTooLargeError, artifactKey } from './artifact-store.js';
import { S3ArtifactStore } from './s3-artifact-store.js';

const RUN = '11111111-2222-3333-4444-555555555555';
const MiB = 1024 * 1024;

/** `size` pseudo-random bytes made as they are read, optionally failing after `failAfter`. */
function generated(size: number, failAfter?: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error('the client went away'));
      if (sent >= size) return this.push(null);
      const chunk = randomBytes(Math.min(MiB, size - sent));
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3ArtifactStore on versitygw', () => {
  let s3: TestS3Server;
  let store: S3ArtifactStore;
  let client: S3Client;
  const keys = async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'artifacts' }));
    return (listed.Contents ?? []).map((o) => o.Key).sort();
  };
  const openUploads = async () =>
    (await client.send(new ListMultipartUploadsCommand({ Bucket: 'artifacts' }))).Uploads ?? [];

  beforeAll(async () => {
    s3 = await startS3Server();
    store = new S3ArtifactStore(s3.settings('cyclone'));
    const { endpoint, region, credentials } = s3.settings();
    client = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  }, 180_000);
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('writes a stream and reads it back, under the prefix; a missing key is ENOENT', async () => {
    const key = artifactKey(RUN, 'build', 'report.txt');
    const stored = await store.write(key, Readable.from(['hello ', 'artifacts\n']), MiB);
    expect(stored).toEqual({ size: 16n, sha256: createHash('sha256').update('hello artifacts\n').digest('hex') });
    expect(await text(await store.open(key))).toBe('hello artifacts\n');
    expect(await keys()).toContain(`cyclone/${key}`);
    await expect(store.open(artifactKey(RUN, 'build', 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('streams a large upload in parts, with its size and hash', async () => {
    const source = generated(40 * MiB);
    const key = artifactKey(RUN, 'build', 'big.bin');
    const stored = await store.write(key, source.stream, 64 * MiB);
    expect(stored.size).toBe(BigInt(40 * MiB));
    expect(stored.sha256).toBe(source.sha256());
    const back = createHash('sha256');
    for await (const chunk of await store.open(key)) back.update(chunk as Buffer);
    expect(back.digest('hex')).toBe(stored.sha256);
  }, 120_000);

  it('an upload past the limit, or broken off midway, stores nothing and leaves no part', async () => {
    const tooBig = artifactKey(RUN, 'build', 'too-big.bin');
    await expect(store.write(tooBig, generated(20 * MiB).stream, 12 * MiB)).rejects.toBeInstanceOf(
      ArtifactTooLargeError,
    );
    const broken = artifactKey(RUN, 'build', 'broken.bin');
    await expect(store.write(broken, generated(40 * MiB, 20 * MiB).stream, 64 * MiB)).rejects.toThrow(
      /the client went away/,
    );
    expect(await keys()).not.toContain(`cyclone/${tooBig}`);
    expect(await keys()).not.toContain(`cyclone/${broken}`);
    await expect.poll(openUploads).toEqual([]);
  }, 120_000);

  it('keeps a directory as a tar archive and restores it, and a file as it is', async () => {
    const dir = tempDir('cyclone-s3-dir-');
    try {
      mkdirSync(join(dir.path, 'src/nested'), { recursive: true });
      writeFileSync(join(dir.path, 'src/nested/a.txt'), 'A');
      writeFileSync(join(dir.path, 'src/b.txt'), 'B');
      await store.put(artifactKey(RUN, 'build', 'src'), join(dir.path, 'src'), true);
      await store.put(artifactKey(RUN, 'build', 'b'), join(dir.path, 'src/b.txt'), false);
      await store.restore(artifactKey(RUN, 'build', 'src'), join(dir.path, 'out'), true);
      await store.restore(artifactKey(RUN, 'build', 'b'), join(dir.path, 'copy/b.txt'), false);
      expect(readFileSync(join(dir.path, 'out/nested/a.txt'), 'utf8')).toBe('A');
      expect(readFileSync(join(dir.path, 'copy/b.txt'), 'utf8')).toBe('B');
    } finally {
      dir.remove();
    }
  });

  it("another process's store on the same bucket reads what this one wrote; retention removes a run's objects only", async () => {
    const other = new S3ArtifactStore(s3.settings('cyclone'));
    const otherRun = '99999999-2222-3333-4444-555555555555';
    await store.write(artifactKey(otherRun, 'x', 'kept'), Readable.from(['kept']), MiB);
    expect(await text(await other.open(artifactKey(RUN, 'build', 'report.txt')))).toBe('hello artifacts\n');
    await other.removeRun(RUN);
    expect(await keys()).toEqual([`cyclone/${artifactKey(otherRun, 'x', 'kept')}`]);
  });
});
