import { spawn } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const tarError = (errors: string, code: number | null) =>
  new Error(`tar failed: ${errors.trim() || `exit code ${code}`}`);

/** `tar -cf - -C root -- paths` as a stream that fails (never ends cleanly) when tar does. */
export function packTar(root: string, paths: readonly string[]): Readable {
  const child = spawn('tar', ['-cf', '-', '-C', root, '--', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  // Ended only once tar exited 0: a failing tar must not look like a complete archive.
  child.stdout.pipe(out, { end: false });
  child.once('error', (error) => out.destroy(error));
  child.once('close', (code) => (code === 0 ? out.end() : out.destroy(tarError(errors, code))));
  out.once('close', () => child.kill());
  return out;
}

/** Extracts the tar archive `body` into `dir`; fails with tar's last error. */
export async function unpackTar(body: Readable, dir: string): Promise<void> {
  const child = spawn('tar', ['-xf', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  await pipeline(body, child.stdin as Writable);
  const code = await exited;
  if (code !== 0) throw tarError(errors, code);
}
