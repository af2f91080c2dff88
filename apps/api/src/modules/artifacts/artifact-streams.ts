import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { toolEnvironment } from '../shared/tool-environment.js';
import { ArtifactTooLargeError, type StoredArtifact } from './artifact-store.js';

/**
 * A pass-through that counts and hashes what flows, failing with ArtifactTooLargeError
 * past `maxBytes`: nothing is held in memory, and the limit stops an upload early.
 */
export function meteredStream(maxBytes: number): { stream: Transform; result: () => StoredArtifact } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new ArtifactTooLargeError(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ size: BigInt(size), sha256: hash.digest('hex') }) };
}

/** A directory as a tar stream; tar's failure fails the stream. */
export function tarDirectory(source: string): Readable {
  return tarStream(['-cf', '-', '-C', source, '.']);
}

/** Paths relative to `root` as one tar stream (links kept as links, never followed). */
export function tarPaths(root: string, paths: readonly string[]): Readable {
  return tarStream(['-cf', '-', '-C', root, '--', ...paths]);
}

/**
 * One file (followed if it is a link, such as /proc/<pid>/fd/<n>) as a tar stream
 * holding it under `name`, which must be plain (letters, digits, `._-`): it goes into tar's rewrite rule.
 */
export function tarFile(path: string, name: string): Readable {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`"${name}" is not a plain file name`);
  const member = path.slice(path.lastIndexOf('/') + 1);
  return tarStream([
    '-cf',
    '-',
    '--dereference',
    '--transform',
    `s|.*|${name}|`,
    '-C',
    path.slice(0, path.lastIndexOf('/')) || '/',
    '--',
    member,
  ]);
}

function tarStream(args: string[]): Readable {
  const output = new PassThrough();
  const child = spawn('tar', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: toolEnvironment(),
  });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  child.stdout.pipe(output, { end: false });
  child.once('error', (error) => output.destroy(error));
  child.once('close', (code) => {
    if (code === 0) output.end();
    else output.destroy(new Error(`tar failed: ${errors.trim() || `exit code ${code}`}`));
  });
  return output;
}

/** Runs tar (creating or extracting an archive file); its stderr is the error when it fails. */
export function runTar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'], env: toolEnvironment() });
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tar failed: ${errors.trim() || `exit code ${code}`}`)),
    );
  });
}
