import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { checkIntegration, type IntegrationForCheck } from './check-integration.js';
import { freePort, selfSignedCertificate, tempDir } from './testing/processes.js';
import { startGitHttpServer, startSvnServe } from './testing/repositories.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const USER = { username: 'builder', password: 'repo-pass-1' };
const closers: (() => Promise<void>)[] = [];

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

const httpServer = async (handler: Handler) => `http://127.0.0.1:${await listen(createHttpServer(handler))}`;

const check = (integration: Partial<IntegrationForCheck> & Pick<IntegrationForCheck, 'type'>, timeoutMs?: number) =>
  checkIntegration({ config: {}, secret: {}, ...integration }, timeoutMs);

afterAll(async () => {
  for (const close of closers) await close();
});

describe('failure classes', () => {
  it('an unused port is CONNECT / ECONNREFUSED', async () => {
    const server = `http://127.0.0.1:${await freePort()}`;
    for (const type of ['GENERAL', 'DOCKER_REGISTRY', 'SONARQUBE'] as const) {
      const result = await check({ type, config: { server } });
      expect(result, type).toMatchObject({ ok: false, stage: 'CONNECT', code: 'ECONNREFUSED' });
      expect(result.message).toMatch(/refused the connection/);
    }
  });

  it('an unknown host is DNS', async () => {
    const result = await check({ type: 'GENERAL', config: { server: 'https://nonexistent.invalid' } });
    expect(result).toMatchObject({ ok: false, stage: 'DNS' });
    expect(result.message).toMatch(/DNS lookup of nonexistent.invalid failed/);
  });

  it('a self-signed certificate is TLS', async () => {
    const dir = tempDir('cyclone-tls-');
    const { cert, key } = selfSignedCertificate(dir.path);
    dir.remove();
    const port = await listen(createHttpsServer({ cert, key }, (_req, res) => res.end('ok')));
    const result = await check({ type: 'SONARQUBE', config: { server: `https://127.0.0.1:${port}` } });
    expect(result).toMatchObject({ ok: false, stage: 'TLS' });
    expect(result.message).toMatch(/TLS error talking to 127.0.0.1:\d+: self.signed certificate/);
  });

  it('a server that never answers is a TIMEOUT after the configured time', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    closers.push(async () => {
      for (const socket of sockets) socket.destroy();
    });
    const port = await listen(silent);
    const result = await check({ type: 'GENERAL', config: { server: `http://127.0.0.1:${port}` } }, 300);
    expect(result).toMatchObject({ ok: false, stage: 'RESPONSE', code: 'TIMEOUT' });
    expect(result.message).toMatch(/did not answer within 0.3 s \(while waiting for the answer\)/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(2_000);
  });

  /**
   * A loopback server answering like GitHub's `GET /user` ("Get the authenticated user",
   * docs.github.com/rest/users/users): 200 with the user for the right token, 401
   * `{"message":"Bad credentials"}` otherwise, 403 for a token lacking access.
   */
  it('401 and 403 from the SCM user endpoint are AUTH failures', async () => {
    const server = await httpServer((req, res) => {
      if (req.url !== '/user') return json(res, 404, { message: 'Not Found' });
      if (req.headers.authorization === 'Bearer good') return json(res, 200, { login: 'octocat', id: 1 });
      if (req.headers.authorization === 'Bearer limited') {
        return json(res, 403, { message: 'Resource not accessible by personal access token' });
      }
      return json(res, 401, { message: 'Bad credentials' });
    });
    expect(await check({ type: 'GITHUB', config: { server }, secret: { token: 'good' } })).toMatchObject({
      ok: true,
      message: expect.stringContaining('octocat'),
    });
    expect(await check({ type: 'GITHUB', config: { server }, secret: { token: 'bad' } })).toMatchObject({
      ok: false,
      stage: 'AUTH',
      code: 'HTTP_401',
    });
    expect(await check({ type: 'GITHUB', config: { server }, secret: { token: 'limited' } })).toMatchObject({
      ok: false,
      stage: 'AUTH',
      code: 'HTTP_403',
    });
  });

  /** GitLab's `GET /api/v4/user` with PRIVATE-TOKEN (docs.gitlab.com/api/users, "Get the current user"). */
  it('checks GitLab with PRIVATE-TOKEN on /api/v4/user', async () => {
    const server = await httpServer((req, res) =>
      req.url === '/api/v4/user' && req.headers['private-token'] === 'glpat-good'
        ? json(res, 200, { id: 1, username: 'john_smith', name: 'John Smith' })
        : json(res, 401, { message: '401 Unauthorized' }),
    );
    expect(await check({ type: 'GITLAB', config: { server }, secret: { token: 'glpat-good' } })).toMatchObject({
      ok: true,
      message: expect.stringContaining('john_smith'),
    });
    expect(await check({ type: 'GITLAB', config: { server }, secret: { token: 'nope' } })).toMatchObject({
      stage: 'AUTH',
    });
  });

  /**
   * Bitbucket Server's `GET /rest/api/1.0/users/{userSlug}` (Bitbucket Data Center REST
   * API reference, "Get user") and Bitbucket Cloud's `GET /2.0/user` (developer.atlassian.com,
   * "Get current user"); a server URL ending in /2.0 is Cloud, as for the SCM provider.
   */
  it('checks Bitbucket Server and Bitbucket Cloud on their user endpoints', async () => {
    const goodBasic = `Basic ${Buffer.from('jdoe:app-pass').toString('base64')}`;
    const server = await httpServer((req, res) => {
      if (req.url === '/rest/api/1.0/users/jdoe' && req.headers.authorization === 'Bearer bbs-token') {
        return json(res, 200, { name: 'jdoe', slug: 'jdoe', displayName: 'Jane Doe', type: 'NORMAL' });
      }
      if (req.url === '/2.0/user' && req.headers.authorization === goodBasic) {
        return json(res, 200, { type: 'user', username: 'jdoe', display_name: 'Jane Doe' });
      }
      return json(res, 401, { errors: [{ message: 'Authentication failed. Please check your credentials.' }] });
    });
    const bitbucket = (config: Record<string, string>, secret: Record<string, string>) =>
      check({ type: 'BITBUCKET', config, secret });
    expect(await bitbucket({ server, username: 'jdoe' }, { token: 'bbs-token' })).toMatchObject({
      ok: true,
      message: expect.stringContaining('jdoe'),
    });
    expect(await bitbucket({ server, username: 'jdoe' }, { token: 'wrong' })).toMatchObject({
      stage: 'AUTH',
      code: 'HTTP_401',
    });
    expect(await bitbucket({ server }, { token: 'bbs-token' })).toMatchObject({ stage: 'AUTH', code: 'NO_USERNAME' });
    const cloud = `${server}/2.0`;
    expect(await bitbucket({ server: cloud, username: 'jdoe' }, { password: 'app-pass' })).toMatchObject({
      ok: true,
      message: expect.stringContaining('jdoe'),
    });
    expect(await bitbucket({ server: cloud, username: 'jdoe' }, { password: 'nope' })).toMatchObject({
      stage: 'AUTH',
    });
  });
});

/**
 * SonarQube's documented web API payloads (docs.sonarsource.com, Web API):
 * `GET /api/system/status` → `{"id","version","status":"UP"}`;
 * `GET /api/authentication/validate` → `{"valid":true|false}` (the token as Basic user).
 */
describe('SonarQube', () => {
  let server: string;
  let status = 'UP';
  beforeAll(async () => {
    server = await httpServer((req, res) => {
      if (req.url === '/api/system/status')
        return json(res, 200, { id: '20150504120436', version: '10.6.0.92116', status });
      if (req.url === '/api/authentication/validate') {
        const expected = `Basic ${Buffer.from('squ_good:').toString('base64')}`;
        return json(res, 200, { valid: req.headers.authorization === expected });
      }
      json(res, 404, { errors: [{ msg: 'Unknown url' }] });
    });
  });

  it('passes when the server is UP and accepts the token', async () => {
    expect(await check({ type: 'SONARQUBE', config: { server }, secret: { token: 'squ_good' } })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/UP \(version 10.6.0.92116\) and accepts the token/),
    });
  });

  it('reports valid:false as AUTH and a server still starting as RESPONSE', async () => {
    expect(await check({ type: 'SONARQUBE', config: { server }, secret: { token: 'squ_bad' } })).toMatchObject({
      ok: false,
      stage: 'AUTH',
      code: 'INVALID_TOKEN',
    });
    status = 'STARTING';
    expect(await check({ type: 'SONARQUBE', config: { server }, secret: { token: 'squ_good' } })).toMatchObject({
      ok: false,
      stage: 'RESPONSE',
      code: 'STATUS_STARTING',
    });
    status = 'UP';
  });
});

describe('GIT with git ls-remote against git http-backend', () => {
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  beforeAll(async () => {
    git = await startGitHttpServer(USER);
    closers.push(git.stop);
  });

  it('lists the refs with the right credentials', async () => {
    const result = await check({
      type: 'GIT',
      config: { server: git.url, username: USER.username },
      secret: { password: USER.password },
    });
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/listed [1-9]\d* refs/) });
  });

  it('reports 401 and 403 as AUTH, without the password in the message', async () => {
    const wrong = await check({
      type: 'GIT',
      config: { server: git.url, username: USER.username },
      secret: { password: 'wrong-pass' },
    });
    expect(wrong).toMatchObject({ ok: false, stage: 'AUTH', code: 'HTTP_401' });
    expect(wrong.message).not.toContain('wrong-pass');
    const blocked = await check({
      type: 'GIT',
      config: { server: git.url, username: 'blocked' },
      secret: { password: USER.password },
    });
    expect(blocked).toMatchObject({ ok: false, stage: 'AUTH', code: 'HTTP_403' });
  });

  it('reports a refused connection as CONNECT', async () => {
    const result = await check({ type: 'GIT', config: { server: `http://127.0.0.1:${await freePort()}/repo.git` } });
    expect(result).toMatchObject({ ok: false, stage: 'CONNECT' });
  });
});

describe('SVN with svn info against svnserve', () => {
  let svn: Awaited<ReturnType<typeof startSvnServe>>;
  beforeAll(async () => {
    svn = await startSvnServe(USER);
    closers.push(svn.stop);
  });

  it('passes with the right credentials and fails AUTH with wrong ones', async () => {
    expect(
      await check({
        type: 'SVN',
        config: { server: svn.url, username: USER.username },
        secret: { password: USER.password },
      }),
    ).toMatchObject({ ok: true, message: expect.stringContaining('revision 0') });
    const wrong = await check({
      type: 'SVN',
      config: { server: svn.url, username: USER.username },
      secret: { password: 'bad-pass' },
    });
    expect(wrong).toMatchObject({ ok: false, stage: 'AUTH' });
    expect(wrong.message).not.toContain('bad-pass');
  });
});

/** A loopback TLS server answering like kube-apiserver's `GET /version`. */
describe('KUBERNETES with a kubeconfig', () => {
  let kubeconfig: (withCa: boolean, token: string) => string;
  beforeAll(async () => {
    const dir = tempDir('cyclone-kube-');
    const { cert, key } = selfSignedCertificate(dir.path, 'apiserver');
    dir.remove();
    const port = await listen(
      createHttpsServer({ cert, key }, (req, res) =>
        req.url === '/version' && req.headers.authorization === 'Bearer kube-token'
          ? json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0' })
          : json(res, 401, { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 }),
      ),
    );
    kubeconfig = (withCa, token) =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: test',
        '  cluster:',
        `    server: https://127.0.0.1:${port}`,
        ...(withCa ? [`    certificate-authority-data: ${Buffer.from(cert).toString('base64')}`] : []),
        'users:',
        '- name: u',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: c',
        '  context: {cluster: test, user: u}',
        'current-context: c',
      ].join('\n');
  });

  it('answers /version with the kubeconfig CA and token', async () => {
    expect(await check({ type: 'KUBERNETES', secret: { kubeconfig: kubeconfig(true, 'kube-token') } })).toMatchObject({
      ok: true,
      message: expect.stringContaining('v1.31.0'),
    });
  });

  it('fails TLS without the CA and AUTH with a wrong token', async () => {
    expect(await check({ type: 'KUBERNETES', secret: { kubeconfig: kubeconfig(false, 'kube-token') } })).toMatchObject({
      ok: false,
      stage: 'TLS',
    });
    expect(await check({ type: 'KUBERNETES', secret: { kubeconfig: kubeconfig(true, 'other') } })).toMatchObject({
      ok: false,
      stage: 'AUTH',
      code: 'HTTP_401',
    });
  });
});
