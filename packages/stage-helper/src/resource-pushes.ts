import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { apiPath, type StageTransfer } from './api-client.js';
import { packTar } from './tar.js';

/** An Http resource the stage gives: only its name and path reach the pod (URL and headers stay in the API). */
export interface HttpPushPath {
  name: string;
  path: string;
}

/**
 * Streams the files at an Http resource's path as one tar archive to the API, which
 * sends them on through its outbound policy and answers the outcome. Tried once: the
 * server at the other end may have taken a send whose answer was lost. False (and a
 * log line saying why) when not sent: the attempt then fails at its exit.
 */
export async function sendHttpResource(transfer: StageTransfer, push: HttpPushPath): Promise<boolean> {
  const found = await stat(push.path).catch(() => undefined);
  if (!found) {
    transfer.log(`[cyclone] output resource "${push.name}" not sent: ${push.path} does not exist`);
    return false;
  }
  // A directory's files at the archive's root; a file alone under its own name (as the other executors send them).
  const archive = found.isDirectory() ? packTar(push.path, ['.']) : packTar(dirname(push.path), [basename(push.path)]);
  const url = apiPath(transfer.apiUrl, `/internal/stages/resources/outputs/${encodeURIComponent(push.name)}`);
  try {
    const response = await (transfer.fetchImpl ?? fetch)(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${transfer.token}`, 'content-type': 'application/x-tar' },
      body: Readable.toWeb(archive) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const answer = (await response.json().catch(() => ({}))) as { error?: string; status?: string; fileName?: string };
    if (!response.ok) throw new Error(answer.error ?? `the API answered ${response.status}`);
    transfer.log(`[cyclone] sent resource "${push.name}" (${push.path} as ${answer.fileName}): ${answer.status}`);
    return true;
  } catch (error) {
    archive.destroy();
    transfer.log(`[cyclone] output resource "${push.name}" not sent: ${(error as Error).message}`);
    return false;
  }
}
