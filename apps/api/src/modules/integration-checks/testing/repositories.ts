import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { freePort, startProcess, tempDir } from './processes.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/**
 * Real `git http-backend` (CGI) behind a small loopback HTTP server that asks for
 * Basic auth: no or wrong credentials get 401, the user `blocked` gets 403. Serves
 * one bare repository `repo.git` with one commit on main.
 */
export async function startGitHttpServer(user: { username: string; password: string }) {
  const dir = tempDir('cyclone-git-');
  const work = join(dir.path, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  writeFileSync(join(work, 'README'), 'hello\n');
  execFileSync('git', ['-C', work, 'add', '.']);
  execFileSync('git', ['-C', work, 'commit', '-q', '-m', 'first'], { env: { ...process.env, ...GIT_ENV } });
  execFileSync('git', ['clone', '-q', '--bare', work, join(dir.path, 'repo.git')]);
  const good = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const blocked = `Basic ${Buffer.from(`blocked:${user.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization === blocked) return void res.writeHead(403).end('forbidden');
    if (req.headers.authorization !== good) {
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('unauthorized');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('/usr/lib/git-core/git-http-backend', [], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: dir.path,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: user.username,
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    cgi.on('close', () => {
      const output = Buffer.concat(chunks);
      const split = output.indexOf('\r\n\r\n');
      const head = output.subarray(0, split).toString('utf8');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name?.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers).end(output.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      dir.remove();
    },
  };
}

/** Real `svnserve` on loopback serving one repository; anonymous access off, one user. */
export async function startSvnServe(user: { username: string; password: string }) {
  const dir = tempDir('cyclone-svn-');
  const repo = join(dir.path, 'repo');
  execFileSync('svnadmin', ['create', repo]);
  writeFileSync(
    join(repo, 'conf', 'svnserve.conf'),
    '[general]\nanon-access = none\nauth-access = write\npassword-db = passwd\nrealm = cyclone-test\n',
  );
  writeFileSync(join(repo, 'conf', 'passwd'), `[users]\n${user.username} = ${user.password}\n`);
  const port = await freePort();
  const running = await startProcess(
    'svnserve',
    ['-d', '--foreground', '-r', dir.path, '--listen-host', '127.0.0.1', '--listen-port', String(port)],
    () =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
  );
  return {
    url: `svn://127.0.0.1:${port}/repo`,
    stop: async () => {
      await running.stop();
      dir.remove();
    },
  };
}
