import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort, selfSignedCertificate, startProcess, tempDir } from './processes.js';

export interface RunningRegistry {
  url: string;
  /** Headers that authorize a push of `repository` (Basic, or a Bearer token with push scope). */
  pushHeaders(repository: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The real `docker-registry` (distribution 2.x, Debian) on loopback with filesystem
 * storage in a temp dir. `auth: htpasswd` uses a file made by `htpasswd -Bbn`; `auth:
 * token` points the registry at `tokenServer` (see startTokenServer).
 */
export async function startDockerRegistry(
  auth: { htpasswd: { username: string; password: string } } | { token: TokenServer },
  /** A port chosen beforehand (e.g. one a container engine was told is insecure); default: a free one. */
  fixedPort?: number,
  /** Where it listens: loopback, or a test network namespace's node address that pods reach. */
  host = '127.0.0.1',
): Promise<RunningRegistry> {
  const dir = tempDir('cyclone-registry-');
  const port = fixedPort ?? (await freePort(host));
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir.path, 'data')}`,
    'http:',
    `  addr: ${host}:${port}`,
    'auth:',
  ];
  if ('htpasswd' in auth) {
    const { username, password } = auth.htpasswd;
    writeFileSync(join(dir.path, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', username, password]));
    lines.push('  htpasswd:', '    realm: cyclone-test', `    path: ${join(dir.path, 'htpasswd')}`);
  } else {
    lines.push(
      '  token:',
      `    realm: ${auth.token.url}/token`,
      `    service: ${auth.token.service}`,
      `    issuer: ${auth.token.issuer}`,
      `    rootcertbundle: ${auth.token.certPath}`,
    );
  }
  writeFileSync(join(dir.path, 'config.yml'), `${lines.join('\n')}\n`);
  const url = `http://${host}:${port}`;
  const running = await startProcess('docker-registry', ['serve', join(dir.path, 'config.yml')], async () => {
    const response = await fetch(`${url}/v2/`);
    return response.status === 200 || response.status === 401;
  });
  return {
    url,
    pushHeaders: async (repository) => {
      if ('htpasswd' in auth) {
        const { username, password } = auth.htpasswd;
        return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
      }
      return { authorization: `Bearer ${auth.token.issue(`repository:${repository}:pull,push`)}` };
    },
    stop: async () => {
      await running.stop();
      dir.remove();
    },
  };
}

/**
 * Pushes a tiny one-layer image with plain registry v2 calls: each blob by a monolithic
 * upload (POST /v2/<name>/blobs/uploads/, then PUT <location>&digest=…), then the
 * schema 2 manifest under `tag`.
 */
export async function pushTinyImage(registry: RunningRegistry, repository: string, tag: string): Promise<string> {
  const headers = await registry.pushHeaders(repository);
  const tar = Buffer.alloc(1024); // an empty tar archive: two zero blocks
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
    }),
  );
  for (const blob of [layer, config]) await uploadBlob(registry.url, repository, blob, headers);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: config.length,
      digest: digestOf(config),
    },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: digestOf(layer) },
    ],
  });
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  if (response.status !== 201) throw new Error(`manifest PUT answered ${response.status}: ${await response.text()}`);
  return digestOf(Buffer.from(manifest));
}

async function uploadBlob(
  url: string,
  repository: string,
  blob: Buffer,
  headers: Record<string, string>,
): Promise<void> {
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  if (start.status !== 202) throw new Error(`blob upload start answered ${start.status}: ${await start.text()}`);
  const location = new URL(start.headers.get('location') as string, url);
  location.searchParams.set('digest', digestOf(blob));
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: blob,
  });
  if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${await put.text()}`);
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface TokenServer {
  url: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Every request the token endpoint received (to assert the client followed the spec). */
  requests: { scope: string | null; service: string | null; authorization: string | undefined }[];
  /** A signed token for `scope` (e.g. `repository:team/app:pull,push`), as the endpoint issues. */
  issue(scope: string): string;
  stop(): Promise<void>;
}

/**
 * A token server written after Docker's "Token Authentication Specification" and
 * "Token Authentication Implementation" (distribution docs): `GET /token?service=…&scope=…`
 * with Basic credentials answers `{token, access_token, expires_in, issued_at}`, the token
 * a JWT (RS256) whose `x5c` header carries the signing certificate, which the registry
 * trusts through `rootcertbundle`; claims iss, sub, aud (= service), exp, nbf, iat, jti
 * and `access: [{type, name, actions}]`. Wrong credentials get 401.
 */
export async function startTokenServer(credentials: { username: string; password: string }): Promise<TokenServer> {
  const dir = tempDir('cyclone-token-');
  const { certPath, keyPath } = selfSignedCertificate(dir.path, 'token-signer');
  const der = execFileSync('openssl', ['x509', '-in', certPath, '-outform', 'DER']);
  const key = createPrivateKey(readFileSync(keyPath));
  const service = 'cyclone-test-registry';
  const issuer = 'cyclone-test-issuer';
  const requests: TokenServer['requests'] = [];
  const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
  const issue = (scope: string, subject = credentials.username) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scope
      .split(' ')
      .filter(Boolean)
      .map((item) => {
        const [type, ...rest] = item.split(':');
        const actions = (rest.pop() ?? '').split(',').filter(Boolean);
        return { type, name: rest.join(':'), actions };
      });
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] }));
    const claims = base64url(
      JSON.stringify({
        iss: issuer,
        sub: subject,
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = base64url(sign('sha256', Buffer.from(`${header}.${claims}`), key));
    return `${header}.${claims}.${signature}`;
  };
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({
      scope: url.searchParams.get('scope'),
      service: url.searchParams.get('service'),
      authorization: req.headers.authorization,
    });
    if (url.pathname !== '/token') return void res.writeHead(404).end();
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    const token = issue(url.searchParams.get('scope') ?? '');
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    service,
    issuer,
    certPath,
    requests,
    issue: (scope) => issue(scope),
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      dir.remove();
    },
  };
}

export interface PulledImage {
  /** The manifest's media type (buildah pushes OCI manifests unless told otherwise). */
  mediaType: string;
  /** The image configuration: `config.Entrypoint`, `history`… */
  config: {
    config?: { Entrypoint?: string[]; Cmd?: string[] };
    history?: { created_by?: string }[];
  };
  /** The layer blobs, as stored (gzip or plain tar), in order. */
  layers: Buffer[];
}

/** Pulls an image with plain registry v2 calls: its manifest, configuration and layers, each checked against its digest. */
export async function pullImage(registry: RunningRegistry, repository: string, tag: string): Promise<PulledImage> {
  const headers = await registry.pushHeaders(repository);
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    headers: {
      ...headers,
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (response.status !== 200) throw new Error(`manifest GET answered ${response.status}: ${await response.text()}`);
  const manifest = (await response.json()) as {
    mediaType?: string;
    config: { digest: string };
    layers: { digest: string }[];
  };
  const blob = async (digest: string) => {
    const got = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`, { headers });
    if (got.status !== 200) throw new Error(`blob GET ${digest} answered ${got.status}`);
    const data = Buffer.from(await got.arrayBuffer());
    if (digestOf(data) !== digest) throw new Error(`blob ${digest} does not match its digest`);
    return data;
  };
  return {
    mediaType: manifest.mediaType ?? response.headers.get('content-type') ?? '',
    config: JSON.parse((await blob(manifest.config.digest)).toString('utf8')),
    layers: await Promise.all(manifest.layers.map((layer) => blob(layer.digest))),
  };
}
