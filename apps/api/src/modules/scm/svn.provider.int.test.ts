import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../db/free-port.js';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { waitFor } from '../../testing/wait.js';
import { normalizeHook } from '../webhooks/normalize-event.js';
import { isValidHmacSignature } from '../webhooks/verify-signature.js';
import { createScmProvider } from './create-provider.js';
import type { SvnProvider } from './svn.provider.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const AUTH = ['--non-interactive', '--no-auth-cache', '--username', 'alice', '--password', 'wonderland'];

describe('SVN provider against svnserve on loopback', () => {
  let dir: string;
  let url: string;
  let pidFile: string;
  let receiver: LoopbackServer;
  const svn = (...args: string[]) => execFileSync('svn', [...AUTH, ...args], { encoding: 'utf8' });
  const provider = (password = 'wonderland') =>
    createScmProvider({ type: 'SVN', config: { server: url, username: 'alice' }, secret: { password } }) as SvnProvider;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cyclone-svn-'));
    const repo = join(dir, 'repos', 'app');
    mkdirSync(join(dir, 'repos'));
    execFileSync('svnadmin', ['create', repo]);
    writeFileSync(
      join(repo, 'conf', 'svnserve.conf'),
      '[general]\nanon-access = none\nauth-access = write\npassword-db = passwd\nrealm = cyclone-test\n',
    );
    writeFileSync(join(repo, 'conf', 'passwd'), '[users]\nalice = wonderland\n');
    const port = await findFreePort();
    pidFile = join(dir, 'svnserve.pid');
    execFileSync('svnserve', [
      '-d',
      '-r',
      join(dir, 'repos'),
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--pid-file',
      pidFile,
    ]);
    url = `svn://127.0.0.1:${port}`;
    await waitFor(() => existsSync(pidFile), {
      what: 'svnserve to write its pid file',
      timeoutMs: 5_000,
      intervalMs: 100,
    });
    svn('mkdir', '-m', 'layout', `${url}/app/trunk`, `${url}/app/branches`, `${url}/app/tags`);
    const work = join(dir, 'import');
    mkdirSync(work);
    writeFileSync(join(work, 'README'), 'hello\n');
    svn('import', '-m', 'first <commit> & more', work, `${url}/app/trunk`);
    svn('copy', '-m', 'branch', `${url}/app/trunk`, `${url}/app/branches/feature`);
    svn('copy', '-m', 'release', `${url}/app/trunk`, `${url}/app/tags/v1.0`);
    receiver = await new LoopbackServer().start();
    receiver.on('POST /webhooks/svn', { body: { outcome: 'ACCEPTED' } });
  });

  afterAll(async () => {
    if (pidFile && existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()));
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists trunk and branches as branches and tags/* as tags, with their last changed revision', async () => {
    expect(await provider().listBranches('app')).toEqual([
      { name: 'trunk', revision: '2' },
      { name: 'feature', revision: '3' },
    ]);
    expect(await provider().listTags(`${url}/app`)).toEqual([{ name: 'v1.0', revision: '4' }]);
  });

  it('reads a file at a revision with svn cat; a path missing there is undefined', async () => {
    expect(await provider().getFile('app', 'trunk/README', '2')).toBe('hello\n');
    expect(await provider().getFile('app', 'branches/feature/README', '3')).toBe('hello\n');
    expect(await provider().getFile('app', 'trunk/README', '1')).toBeUndefined();
    expect(await provider().getFile('app', 'trunk/.cyclone.yaml', '4')).toBeUndefined();
    await expect(provider().getFile('app', 'trunk/README', 'HEAD')).rejects.toThrow(/not an SVN revision/);
  });

  it('reads the log, newest first', async () => {
    const log = await provider().log('app', 3);
    expect(log.map((e) => [e.revision, e.author, e.message])).toEqual([
      ['4', 'alice', 'release'],
      ['3', 'alice', 'branch'],
      ['2', 'alice', 'first <commit> & more'],
    ]);
  });

  it('fails with a clear error for a wrong password, without showing it', async () => {
    const error = (await provider('not-the-password')
      .listBranches('app')
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^svn .* failed: .*(authoriz|authenticat)/i);
    expect(error.message).not.toContain('not-the-password');
  });

  it('gives a post-commit hook script that delivers signed commits Cyclone understands', async () => {
    const hook = await provider().createWebhook('app', { url: `${receiver.url}/webhooks/svn`, secret: 'unused' });
    const script = join(dir, 'repos', 'app', 'hooks', 'post-commit');
    writeFileSync(script, (hook.script as string).replace('PASTE-THE-INTEGRATION-WEBHOOK-SECRET-HERE', 'hook-secret'));
    chmodSync(script, 0o755);
    // The commit waits for the hook, which posts to this process: do not block it.
    await promisify(execFile)('svn', [...AUTH, 'mkdir', '-m', 'work on feature', `${url}/app/branches/feature/src`]);
    const [delivery] = await waitForDelivery(receiver);
    expect(delivery?.headers['x-cyclone-event']).toBe('svn-commit');
    expect(delivery?.headers['x-cyclone-delivery']).toMatch(/^[0-9a-f-]{36}-r5$/);
    expect(
      isValidHmacSignature(delivery?.raw as Buffer, 'hook-secret', delivery?.headers['x-hub-signature-256'] as string),
    ).toBe(true);
    expect(delivery?.body).toEqual({ repo: 'app', revision: '5', changed: ['branches/feature/src/'] });
    expect(normalizeHook('svn-commit', delivery?.body as Record<string, unknown>).events).toEqual([
      { kind: 'push', repo: 'app', ref: 'refs/heads/feature', branch: 'feature', sha: '5' },
    ]);
  });
});

function waitForDelivery(receiver: LoopbackServer) {
  return waitFor(() => receiver.find('POST', '/webhooks/svn'), {
    until: (found) => found.length > 0,
    what: 'the post-commit hook to deliver',
    timeoutMs: 10_000,
    intervalMs: 100,
  });
}
