import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StoreSettings } from '../../config/config.js';
import type { ArtifactStore, StoredArtifact } from './artifact-store.js';
import { meteredStream, runTar, tarDirectory } from './artifact-streams.js';

/** Parts of a multipart upload: streamed, at most this much of an artifact is in memory per part. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * Artifacts in an S3-compatible object store, so that every API and controller replica
 * sees the same ones. Uploads stream (multipart, one part in memory at a time) and
 * become visible only once complete: an interrupted or oversized upload is aborted and
 * leaves nothing. Downloads stream through the API, which authorizes them.
 */
export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3StoreSettings) {
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.pathStyle,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
    });
  }

  async put(key: string, source: string, isDirectory: boolean): Promise<StoredArtifact> {
    const body = isDirectory ? tarDirectory(source) : createReadStream(source);
    return this.write(key, body, Number.MAX_SAFE_INTEGER);
  }

  async write(key: string, body: Readable, maxBytes: number): Promise<StoredArtifact> {
    const metered = meteredStream(maxBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.keyOf(key), Body: metered.stream },
      partSize: PART_BYTES,
      queueSize: 1,
      leavePartsOnError: false,
    });
    const feeding = pipeline(body, metered.stream).catch((error: unknown) => {
      void upload.abort();
      throw error;
    });
    // A failed upload ends the source too: an HTTP body left unread would hold its connection.
    const uploading = upload.done().catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    });
    await Promise.all([feeding, uploading]);
    return metered.result();
  }

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }),
      );
      return object.Body as Readable;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') {
        throw Object.assign(new Error(`no artifact ${key}`), { code: 'ENOENT' });
      }
      throw error;
    }
  }

  async restore(key: string, target: string, isDirectory: boolean): Promise<void> {
    const body = await this.open(key);
    if (!isDirectory) {
      await mkdir(dirname(target), { recursive: true });
      await pipeline(body, createWriteStream(target, { mode: 0o755 }));
      return;
    }
    await mkdir(target, { recursive: true });
    // tar reads a regular file more reliably than a pipe with odd record sizes: keep a copy while extracting.
    const scratch = await mkdtemp(join(tmpdir(), 'cyclone-restore-'));
    try {
      const archive = join(scratch, 'artifact.tar');
      await pipeline(body, createWriteStream(archive));
      await runTar(['-xf', archive, '-C', target]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async removeRun(runId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(runId)) return;
    const Prefix = this.keyOf(`${runId}/`);
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix, ContinuationToken }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length > 0) {
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.settings.bucket,
        Delete: { Objects: [{ Key: this.keyOf(key) }], Quiet: true },
      }),
    );
  }

  private keyOf(key: string): string {
    if (key.split('/').some((part) => part === '.' || part === '..')) throw new Error(`bad artifact key "${key}"`);
    return `${this.settings.prefix}${key}`;
  }
}
