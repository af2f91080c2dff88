import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { tarDirectory, tarFile } from '../../modules/artifacts/artifact-streams.js';
import { outboundRequest, statusText } from '../../modules/outbound/outbound-http.js';
import type { HttpPush } from './executor.js';
import type { LogWriter } from './log-writer.js';
import { workspacePath } from './stage-paths.js';
import { openInWorkspace } from './workspace-files.js';

/** How long one send may take, from DNS to the server's answer. */
const PUSH_TIMEOUT_MS = 10 * 60_000;

/**
 * Sends an Http resource (the original's Http type) for a stage that exited 0: the
 * files at its output path as one tar archive, in a multipart form under
 * `formFileKey`, to its URL. It is a call made for the tenant, so it goes through the
 * outbound policy; the archive streams (never held in memory); redirects are not
 * followed (nor were they by the original's curl). Any 2xx is success; anything else
 * throws, naming the status.
 */
export async function sendHttpPush(push: HttpPush, archive: Readable, timeoutMs = PUSH_TIMEOUT_MS): Promise<number> {
  const boundary = `cyclone-${randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="${push.formFileKey}"; filename="${push.fileName}"\r\n` +
    'Content-Type: application/x-tar\r\n\r\n';
  const body = Readable.from(
    (async function* () {
      yield Buffer.from(head);
      for await (const chunk of archive) yield chunk as Buffer;
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    })(),
  );
  // The form's own type wins over a Content-Type given in HEADERS (the original's example gave one).
  const headers = Object.fromEntries(
    push.headers.filter((h) => h.name.toLowerCase() !== 'content-type').map((h) => [h.name, h.value]),
  );
  const answer = await outboundRequest(push.url, {
    method: push.method,
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    timeoutMs,
    maxBytes: 4096,
  });
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${new URL(push.url).host} answered ${statusText(answer.status)}`);
  }
  return answer.status;
}

/**
 * The Http pushes of an attempt that exited 0, run where the workspace is on this
 * machine (host and container executors). What is sent must lie in the workspace
 * (checked on the opened file, as for artifacts). Throws naming the resource.
 */
export async function sendWorkspaceHttpPushes(
  workspace: string,
  pushes: readonly HttpPush[] | undefined,
  writer: LogWriter,
): Promise<void> {
  for (const push of pushes ?? []) {
    try {
      const opened = await openInWorkspace(workspace, workspacePath(workspace, push.path), push.path).catch(
        (error: NodeJS.ErrnoException) => {
          throw error.code === 'ENOENT' ? new Error(`${push.path} does not exist`) : error;
        },
      );
      try {
        // A single file keeps its name in the archive (plain characters only: it is tar's rewrite rule).
        const member = basename(push.path).replace(/[^A-Za-z0-9._-]/g, '_');
        const archive = opened.isDirectory ? tarDirectory(opened.path) : tarFile(opened.path, member);
        const status = await sendHttpPush(push, archive);
        writer.line(
          'STDOUT',
          `[cyclone] sent resource "${push.name}" (${push.path} as ${push.fileName}): ${statusText(status)}`,
        );
      } finally {
        await opened.handle.close();
      }
    } catch (error) {
      throw new Error(`output resource "${push.name}": ${(error as Error).message}`);
    }
  }
}
