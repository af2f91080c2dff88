import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { createGitRepository, runHelpers, sh, stageOf } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { waitFor } from '../testing/wait.js';

const GIT_PASSWORD = 'pw-http-777-git';
const SVN_PASSWORD = 'svn-pw-555-svn';

/** `git http-backend` (CGI) behind a node HTTP server on loopback, with basic auth (alice). */
function serveGit(root: string): Promise<Server> {
  const expected = `Basic ${Buffer.from(`alice:${GIT_PASSWORD}`).toString('base64')}`;
  const server = createServer((req, res) => {
    // A server that never answers: the pull hangs until the stage is stopped.
    if (req.url?.startsWith('/hang')) return;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method,
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: 'alice',
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let isBody = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (isBody) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      isBody = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
        const at = line.indexOf(':');
        const name = line.slice(0, at).trim();
        const value = line.slice(at + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on('end', () => res.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** An svn repository (trunk/version.txt: r1 "one", r2 "two") served by svnserve with user bob. */
async function serveSvn(root: string): Promise<{ process: ChildProcess; url: string }> {
  const repo = join(root, 'repo');
  execFileSync('svnadmin', ['create', repo]);
  writeFileSync(
    join(repo, 'conf', 'svnserve.conf'),
    '[general]\nanon-access = none\nauth-access = write\npassword-db = passwd\nrealm = test\n',
  );
  writeFileSync(join(repo, 'conf', 'passwd'), `[users]\nbob = ${SVN_PASSWORD}\n`);
  const work = join(root, 'work');
  execFileSync('svn', ['checkout', '-q', `file://${repo}`, work]);
  execFileSync('svn', ['mkdir', '-q', join(work, 'trunk')]);
  writeFileSync(join(work, 'trunk', 'version.txt'), 'one\n');
  execFileSync('svn', ['add', '-q', join(work, 'trunk', 'version.txt')]);
  execFileSync('svn', ['commit', '-q', '-m', 'one', work]);
  writeFileSync(join(work, 'trunk', 'version.txt'), 'two\n');
  execFileSync('svn', ['commit', '-q', '-m', 'two', work]);
  const port = await freePort();
  const server = spawn(
    'svnserve',
    ['-d', '--foreground', '--listen-host', '127.0.0.1', '--listen-port', String(port), '-r', root],
    { stdio: 'ignore' },
  );
  // Ready once it holds the port.
  const isListening = () =>
    new Promise<boolean>((resolve) => {
      const socket = createNetServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => resolve(false)));
      socket.once('error', () => resolve(true));
    });
  await waitFor(isListening, { what: `svnserve to listen on port ${port}`, timeoutMs: 5_000 });
  return { process: server, url: `svn://127.0.0.1:${port}/repo/trunk` };
}

describe('stage inputs from real SCM servers', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let admin: string;
  let h: ReturnType<typeof runHelpers>;
  let repo: ReturnType<typeof createGitRepository>;
  let gitServer: Server;
  let svnRoot: string;
  let svn: Awaited<ReturnType<typeof serveSvn>>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-scm-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    admin = await api.loginAsAdmin();
    await seedTenant(api, admin, 'acme', { projects: ['web'] });
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => admin);
    repo = createGitRepository();
    gitServer = await serveGit(join(repo.bare, '..'));
    svnRoot = mkdtempSync(join(tmpdir(), 'cyclone-svn-'));
    svn = await serveSvn(svnRoot);
  });

  afterAll(async () => {
    svn?.process.kill('SIGTERM');
    gitServer?.closeAllConnections();
    await new Promise((resolve) => (gitServer ? gitServer.close(resolve) : resolve(undefined)));
    await db?.$disconnect();
    await api?.stop();
    for (const dir of [dataDir, svnRoot, repo && join(repo.bare, '..')]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('clones over HTTP with the bound integration’s credentials, which never reach the log', async () => {
    const server = `http://127.0.0.1:${(gitServer.address() as AddressInfo).port}`;
    await h.must(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
      {
        input: {
          tenant: 'acme',
          name: 'git-server',
          type: 'GIT',
          config: { server, username: 'alice' },
          secret: { password: GIT_PASSWORD },
        },
      },
      admin,
    );
    const url = { name: 'SCM_URL', value: `${server}/repo.git` };
    await h.createResource('private', 'GIT', [url, { name: 'SCM_REVISION', value: 'main' }], 'git-server');
    await h.createResource('wrong', 'GIT', [url, { name: 'SCM_AUTH', value: 'alice:not-the-password' }]);
    const inline = `http://alice:${GIT_PASSWORD}@127.0.0.1:${(gitServer.address() as AddressInfo).port}/repo.git`;
    await h.createResource('inline', 'GIT', [{ name: 'SCM_URL', value: inline }]);
    await h.createWorkflow('http-clone', [
      sh('show', 'cat src/version.txt', {
        inputs: { resources: [{ name: 'private', path: 'src' }] },
      }),
      sh('denied', 'cat src/version.txt', { inputs: { resources: [{ name: 'wrong', path: 'src' }] } }),
      sh('inline', 'cat in/version.txt', { inputs: { resources: [{ name: 'inline', path: 'in' }] } }),
    ]);
    const id = await h.start('http-clone');
    const run = await h.waitEnd(id);
    expect(stageOf(run, 'show').phase).toBe('SUCCEEDED');
    const lines = await h.logs(id, 'show');
    expect(lines).toContain('two');
    expect(stageOf(run, 'inline').phase, stageOf(run, 'inline').message).toBe('SUCCEEDED');
    expect(await h.logs(id, 'inline')).toContain(
      `[cyclone] pulling Git resource "inline" (http://alice:***@127.0.0.1:${(gitServer.address() as AddressInfo).port}/repo.git) at the default branch`,
    );
    expect(stageOf(run, 'denied')).toMatchObject({ phase: 'FAILED' });
    expect(stageOf(run, 'denied').message).toMatch(/^inputs: resource "wrong": git fetch failed/);
    const workspace = join(dataDir, 'workspaces', id);
    const gitConfig = readFileSync(join(workspace, '.cyclone', 'resources', 'private', '.git', 'config'), 'utf8');
    expect(gitConfig).toContain(`url = ${server}/repo.git`);
    expect(gitConfig).not.toMatch(/credential|alice|pw-http/);
    const leaked = await db.logLine.count({
      where: { OR: [{ text: { contains: GIT_PASSWORD } }, { text: { contains: 'not-the-password' } }] },
    });
    expect(leaked).toBe(0);
  });

  it('checks out an Svn resource at its revision from svnserve', async () => {
    expect(existsSync('/usr/bin/svn')).toBe(true);
    await h.createResource('legacy', 'SVN', [
      { name: 'SCM_URL', value: svn.url },
      { name: 'SCM_USER', value: 'bob' },
      { name: 'SCM_PWD', value: SVN_PASSWORD },
    ]);
    await h.createWorkflow('svn-checkout', [
      sh('show', 'cat code/version.txt', { inputs: { resources: [{ name: 'legacy', path: 'code' }] } }),
    ]);
    const head = await h.start('svn-checkout');
    expect((await h.waitEnd(head)).phase).toBe('SUCCEEDED');
    expect(await h.logs(head, 'show')).toContain('two');
    const old = await h.start('svn-checkout', [{ name: 'resources.legacy.SCM_REVISION', value: '1' }]);
    expect((await h.waitEnd(old)).phase).toBe('SUCCEEDED');
    const lines = await h.logs(old, 'show');
    expect(lines).toContain('one');
    expect(lines.join('\n')).toContain('Checked out revision 1.');
    expect(await db.logLine.count({ where: { text: { contains: SVN_PASSWORD } } })).toBe(0);
  });

  it('a persistent resource keeps its clone between runs: IfNotExist fetches into it, Always starts it clean', async () => {
    const server = `http://127.0.0.1:${(gitServer.address() as AddressInfo).port}`;
    await h.must(
      'mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }',
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'kept',
          type: 'GIT',
          parameters: [
            { name: 'SCM_URL', value: `${server}/repo.git` },
            { name: 'SCM_REVISION', value: 'main' },
          ],
          persistent: { pvc: 'sources', path: '/kept', pullPolicy: 'IfNotExist' },
          integration: 'git-server',
        },
      },
      admin,
    );
    await h.createWorkflow('kept-clone', [
      sh('show', 'cat src/version.txt', { inputs: { resources: [{ name: 'kept', path: 'src' }] } }),
    ]);
    const first = await h.start('kept-clone');
    expect((await h.waitEnd(first)).phase).toBe('SUCCEEDED');
    expect(await h.logs(first, 'show')).toContain(
      '[cyclone] resource "kept": making its kept copy afresh (none kept yet)',
    );
    const second = await h.start('kept-clone', [{ name: 'resources.kept.SCM_REVISION', value: 'v1' }]);
    expect((await h.waitEnd(second)).phase).toBe('SUCCEEDED');
    const lines = await h.logs(second, 'show');
    expect(lines).toContain('[cyclone] resource "kept": updating its kept copy (pullPolicy IfNotExist)');
    expect(lines).toContain('one');
    // One copy per tenant and resource, in the API's data folder.
    const { id: tenantId } = await db.tenant.findUniqueOrThrow({ where: { name: 'acme' } });
    const { id: resourceId } = await db.resource.findFirstOrThrow({ where: { name: 'kept' } });
    expect(readFileSync(join(dataDir, 'kept-resources', tenantId, resourceId, 'version.txt'), 'utf8')).toBe('one\n');

    await h.must(
      'mutation($input: UpdateResourceInput!) { updateResource(input: $input) { name } }',
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'kept',
          persistent: { pvc: 'sources', path: '/kept', pullPolicy: 'Always' },
        },
      },
      admin,
    );
    const third = await h.start('kept-clone');
    expect((await h.waitEnd(third)).phase).toBe('SUCCEEDED');
    expect(await h.logs(third, 'show')).toContain(
      '[cyclone] resource "kept": making its kept copy afresh (pullPolicy Always)',
    );
  });

  it('stopping a run while a resource is being pulled kills the pull at once', async () => {
    const server = `http://127.0.0.1:${(gitServer.address() as AddressInfo).port}`;
    await h.createResource('stuck', 'GIT', [{ name: 'SCM_URL', value: `${server}/hang.git` }]);
    await h.createWorkflow('stuck-pull', [
      sh('show', 'echo never', { inputs: { resources: [{ name: 'stuck', path: 'src' }] } }),
    ]);
    const id = await h.start('stuck-pull');
    const isPulling = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(`${server}/hang.git`);
    await waitFor(isPulling, { what: 'the pull to start', timeoutMs: 10_000 });
    expect((await db.stageRun.findFirstOrThrow({ where: { runId: id } })).phase).toBe('RUNNING');
    await h.must('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id });
    const run = await h.waitEnd(id, 10_000);
    expect(run.phase).toBe('CANCELLED');
    await waitFor(() => !isPulling(), { what: 'the pull to be killed', timeoutMs: 2_000 });
    expect(await h.logs(id, 'show')).not.toContain('never');
  });
});
