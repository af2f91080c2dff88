import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFromString, makeClients } from './client.js';
import { type ConnectGuard, KubeconfigRefusedError, parseTenantKubeconfig } from './tenant-kubeconfig.js';

const config = (user: string, cluster = 'server: "https://k8s.example:6443"') =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {${cluster}}}]`,
    `users: [{name: u, user: ${user}}]`,
    'contexts: [{name: x, context: {cluster: c, user: u, namespace: ci}}]',
    'current-context: x',
  ].join('\n');

const refusal = (text: string) => {
  try {
    parseTenantKubeconfig(text);
  } catch (error) {
    if (error instanceof KubeconfigRefusedError) return error.path;
    throw error;
  }
  return undefined;
};

describe('parseTenantKubeconfig', () => {
  it('loads inline credentials', () => {
    const kc = parseTenantKubeconfig(
      config('{token: abc}', 'server: "https://k8s.example:6443/", certificate-authority-data: eA=='),
    );
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://k8s.example:6443', caData: 'eA==' });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'u', token: 'abc' });
    expect(kc.getContextObject('x')).toMatchObject({ namespace: 'ci' });
  });

  it('refuses what runs a command, reads a file or goes through a proxy, naming the field', () => {
    expect(refusal(config('{exec: {command: sh}}'))).toBe('users[0].user.exec');
    expect(refusal(config('{auth-provider: {name: oidc}}'))).toBe('users[0].user.auth-provider');
    expect(refusal(config('{token-file: /etc/passwd}'))).toBe('users[0].user.token-file');
    expect(refusal(config('{client-certificate: /a, client-key-data: eA==}'))).toBe('users[0].user.client-certificate');
    expect(refusal(config('{client-key: /a}'))).toBe('users[0].user.client-key');
    expect(refusal(config('{token: t}', 'server: "https://a", certificate-authority: /ca'))).toBe(
      'clusters[0].cluster.certificate-authority',
    );
    expect(refusal(config('{token: t}', 'server: "https://a", proxy-url: "http://p"'))).toBe(
      'clusters[0].cluster.proxy-url',
    );
    expect(refusal(config('{tokn: t}'))).toBe('users[0].user.tokn');
  });

  it('sees through YAML merge keys and anchors', () => {
    const merged = [
      'plugin: &plugin {exec: {command: sh}}',
      'apiVersion: v1',
      'clusters: [{name: c, cluster: {server: "https://a"}}]',
      'users: [{name: u, user: {<<: *plugin}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
    expect(refusal(merged)).toBe('plugin');
    expect(
      refusal(
        merged.replace('plugin: &plugin {exec: {command: sh}}\n', 'preferences: &plugin {exec: {command: sh}}\n'),
      ),
    ).toBe('users[0].user.exec');
  });

  it('needs a current context that names a cluster, and YAML', () => {
    expect(refusal(config('{token: t}').replace('current-context: x', 'current-context: y'))).toBe('current-context');
    expect(refusal('clusters: [')).toBe('kubeconfig');
  });
});

describe('guardConnections', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"resources":[]}'),
    );
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.2', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  /** Resolves worker.test to 127.0.0.2 and refuses 127.0.0.2 unless `isAllowed`. */
  const guard = (isAllowed: boolean): ConnectGuard => {
    const lookup: LookupFunction = (hostname, options, callback) => {
      if (hostname !== 'worker.test' || !isAllowed) {
        return callback(Object.assign(new Error('refused by policy'), { code: 'EOUTBOUND_REFUSED' }), '', 0);
      }
      if (options.all)
        return (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: '127.0.0.2', family: 4 },
        ]);
      callback(null, '127.0.0.2', 4);
    };
    return {
      lookup,
      checkHost: (hostname) => {
        if (hostname === '127.0.0.2' && !isAllowed) throw new Error('127.0.0.2 is refused');
      },
    };
  };
  const clientsFor = (host: string, isAllowed: boolean) =>
    makeClients(
      kubeConfigFromString(
        config('{token: t}', `server: "http://${host}:${port}", insecure-skip-tls-verify: true`),
        guard(isAllowed),
      ),
    );

  it('resolves server names through the guard and refuses before connecting', async () => {
    await expect(clientsFor('worker.test', false).core.getAPIResources()).rejects.toThrow(/refused by policy/);
    await expect(clientsFor('127.0.0.2', false).core.getAPIResources()).rejects.toThrow(/127\.0\.0\.2 is refused/);
    expect(connections).toBe(0);
    // The same name reaches the server once the guard lets it (worker.test exists only in the guard).
    await expect(clientsFor('worker.test', true).core.getAPIResources()).resolves.toMatchObject({ resources: [] });
    expect(connections).toBe(1);
  });

  it('sends many requests over one kept-alive connection, the guard checking each', async () => {
    let isAllowed = true;
    const clients = makeClients(
      kubeConfigFromString(config('{token: t}', `server: "http://127.0.0.2:${port}", insecure-skip-tls-verify: true`), {
        lookup: guard(true).lookup,
        checkHost: (hostname) => guard(isAllowed).checkHost(hostname),
      }),
    );
    const before = connections;
    for (let i = 0; i < 10; i++) await clients.core.getAPIResources();
    await Promise.all(Array.from({ length: 5 }, () => clients.core.getAPIResources()));
    // One connection, and the requests sent at once opened at most as many more.
    expect(connections - before).toBeLessThanOrEqual(5);
    const afterBurst = connections;
    for (let i = 0; i < 10; i++) await clients.core.getAPIResources();
    expect(connections).toBe(afterBurst);
    isAllowed = false;
    await expect(clients.core.getAPIResources()).rejects.toThrow(/127\.0\.0\.2 is refused/);
  });
});
