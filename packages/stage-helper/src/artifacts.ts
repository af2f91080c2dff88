import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { apiPath, type StageTransfer } from './api-client.js';
import { packTar, unpackTar } from './tar.js';

export interface OutputArtifact {
  name: string;
  path: string;
}

export interface InputArtifact {
  name: string;
  path: string;
}

const KIND_HEADER = 'x-cyclone-artifact-kind';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Answers that retrying cannot change (refused token, ended attempt, undeclared, too large, unknown). */
class Final extends Error {}

/**
 * Tries a transfer with backoff on network errors and 5xx; a 4xx answer is final.
 * Each try starts from scratch (a new read of the file, a new tar).
 */
async function withRetries<T>(transfer: StageTransfer, what: string, once: () => Promise<T>): Promise<T> {
  const attempts = transfer.attempts ?? 6;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await once();
    } catch (error) {
      if (error instanceof Final) throw error;
      lastError = error;
    }
    await sleep(Math.min(500 * 2 ** attempt, 10_000));
  }
  throw new Error(`${what}: ${(lastError as Error)?.message ?? lastError}`);
}

async function check(response: Response, what: string): Promise<void> {
  if (response.ok) return;
  const text = (await response.text()).slice(0, 500);
  const error = `${what}: ${response.status} ${text}`;
  if (response.status >= 400 && response.status < 500) throw new Final(error);
  throw new Error(error);
}

/**
 * Uploads one declared output artifact (a file as it is, a directory as a tar
 * archive), streamed. A missing path, or an upload the API refuses, is logged and
 * gives false: the API then has no artifact of this attempt, which fails it.
 */
export async function uploadArtifact(transfer: StageTransfer, artifact: OutputArtifact): Promise<boolean> {
  const found = await stat(artifact.path).catch(() => undefined);
  if (!found) {
    transfer.log(`[cyclone] output artifact "${artifact.name}": ${artifact.path} does not exist`);
    return false;
  }
  const isDirectory = found.isDirectory();
  const url = apiPath(
    transfer.apiUrl,
    `/internal/stages/artifacts/outputs/${encodeURIComponent(artifact.name)}?kind=${isDirectory ? 'directory' : 'file'}`,
  );
  const doFetch = transfer.fetchImpl ?? fetch;
  try {
    const stored = await withRetries(transfer, `artifact "${artifact.name}"`, async () => {
      const body = isDirectory ? packTar(artifact.path, ['.']) : createReadStream(artifact.path);
      const response = await doFetch(url, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${transfer.token}`,
          'content-type': 'application/octet-stream',
          ...(isDirectory ? {} : { 'content-length': String(found.size) }),
        },
        body: Readable.toWeb(body) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      await check(response, `artifact "${artifact.name}"`);
      return (await response.json()) as { size: string; sha256: string };
    });
    const kind = isDirectory ? 'directory, as tar' : 'file';
    transfer.log(
      `[cyclone] stored artifact "${artifact.name}" (${kind}, ${stored.size} bytes, sha256 ${stored.sha256})`,
    );
    return true;
  } catch (error) {
    transfer.log(`[cyclone] output artifact "${artifact.name}" not stored: ${(error as Error).message}`);
    return false;
  }
}

/** Writes a downloaded artifact at its path: the file, or the tar archive extracted into the directory. */
async function place(body: Readable, path: string, isDirectory: boolean): Promise<void> {
  await rm(path, { recursive: true, force: true });
  if (!isDirectory) {
    await mkdir(dirname(path), { recursive: true });
    await pipeline(body, createWriteStream(path, { mode: 0o755 }));
    return;
  }
  await mkdir(path, { recursive: true });
  await unpackTar(body, path);
}

/** Downloads one input artifact of the stage from the API and places it; throws (failing the pod) when it cannot. */
export async function downloadArtifact(transfer: StageTransfer, artifact: InputArtifact): Promise<void> {
  transfer.log(`[cyclone] restoring artifact "${artifact.name}" at ${artifact.path}`);
  const url = apiPath(transfer.apiUrl, `/internal/stages/artifacts/inputs/${encodeURIComponent(artifact.name)}`);
  const doFetch = transfer.fetchImpl ?? fetch;
  await withRetries(transfer, `input artifact "${artifact.name}"`, async () => {
    const response = await doFetch(url, { headers: { authorization: `Bearer ${transfer.token}` } });
    await check(response, `input artifact "${artifact.name}"`);
    if (!response.body) throw new Error('empty answer');
    const isDirectory = response.headers.get(KIND_HEADER) === 'directory';
    await place(Readable.fromWeb(response.body as never), artifact.path, isDirectory);
  });
}
