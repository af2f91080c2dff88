import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { normalizeHook } from '../webhooks/normalize-event.js';
import { isValidHmacSignature } from '../webhooks/verify-signature.js';
import { createScmProvider } from './create-provider.js';
import { startGitHttpServer } from './testing/git-http-server.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    },
  }).trim();

const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
/** Commands that talk to the in-process HTTP server must not block the event loop. */
const gitAsync = async (cwd: string, extraEnv: Record<string, string>, ...args: string[]) =>
  (await promisify(execFile)('git', args, { cwd, env: { ...process.env, ...env, ...extraEnv } })).stdout.trim();

describe('plain Git provider against git http-backend on loopback', () => {
  let dir: string;
  let http: Awaited<ReturnType<typeof startGitHttpServer>>;
  let receiver: LoopbackServer;
  let mainSha: string;
  let tagSha: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cyclone-git-'));
    const root = join(dir, 'repos');
    execFileSync('git', ['init', '--bare', '-q', '-b', 'main', join(root, 'app.git')]);
    git(join(root, 'app.git'), 'config', 'http.receivepack', 'true');
    const work = join(dir, 'work');
    execFileSync('git', ['init', '-q', '-b', 'main', work]);
    writeFileSync(join(work, 'README'), 'hello\n');
    git(work, 'add', 'README');
    git(work, 'commit', '-q', '-m', 'first');
    mainSha = git(work, 'rev-parse', 'HEAD');
    git(work, 'tag', '-a', 'v1.0', '-m', 'release');
    tagSha = mainSha;
    git(work, 'checkout', '-q', '-b', 'feature/x');
    writeFileSync(join(work, 'README'), 'feature\n');
    git(work, 'commit', '-q', '-am', 'feature');
    http = await startGitHttpServer(root);
    await gitAsync(work, {}, 'push', '-q', `${http.url}/app.git`, 'main', 'feature/x', 'v1.0');
    receiver = await new LoopbackServer().start();
    receiver.on('POST /webhooks/git', { body: { outcome: 'ACCEPTED' } });
  });
  afterAll(async () => {
    await http?.stop();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists branches and tags with git ls-remote (annotated tags resolve to their commit)', async () => {
    const provider = createScmProvider({ type: 'GIT', config: { server: http.url }, secret: {} });
    const branches = await provider.listBranches('app.git');
    expect(branches.map((b) => b.name)).toEqual(['feature/x', 'main']);
    expect(branches.find((b) => b.name === 'main')?.revision).toBe(mainSha);
    expect(await provider.listTags(`${http.url}/app.git`)).toEqual([{ name: 'v1.0', revision: tagSha }]);
    expect(await provider.listPullRequests('app.git')).toEqual([]);
  });

  it('reports a missing repository as an error naming git', async () => {
    const provider = createScmProvider({ type: 'GIT', config: { server: http.url }, secret: { password: 'pw' } });
    await expect(provider.listBranches('missing.git')).rejects.toThrow(/git .*ls-remote.* failed/);
  });

  it('gives a post-receive hook script that delivers signed pushes Cyclone understands', async () => {
    const provider = createScmProvider({ type: 'GIT', config: { server: http.url }, secret: {} });
    const hook = await provider.createWebhook('app.git', { url: `${receiver.url}/webhooks/git`, secret: 'unused' });
    expect(hook.id).toBe('');
    const script = join(dir, 'repos', 'app.git', 'hooks', 'post-receive');
    // As an administrator installing it would: paste the integration's webhookSecret.
    writeFileSync(script, (hook.script as string).replace('PASTE-THE-INTEGRATION-WEBHOOK-SECRET-HERE', 'hook-secret'));
    chmodSync(script, 0o755);
    const work = join(dir, 'work');
    git(work, 'checkout', '-q', 'main');
    writeFileSync(join(work, 'README'), 'second\n');
    git(work, 'commit', '-q', '-am', 'second');
    const pushed = git(work, 'rev-parse', 'HEAD');
    await gitAsync(work, {}, 'push', '-q', `${http.url}/app.git`, 'main');
    const [delivery] = receiver.find('POST', '/webhooks/git');
    expect(delivery?.headers['x-cyclone-event']).toBe('git-push');
    expect(delivery?.headers['x-cyclone-delivery']).toMatch(new RegExp(`^${pushed}-[0-9a-f]{16}$`));
    expect(
      isValidHmacSignature(delivery?.raw as Buffer, 'hook-secret', delivery?.headers['x-hub-signature-256'] as string),
    ).toBe(true);
    expect(normalizeHook('git-push', delivery?.body as Record<string, unknown>).events).toEqual([
      { kind: 'push', repo: 'app.git', ref: 'refs/heads/main', branch: 'main', sha: pushed },
    ]);
  });
});
