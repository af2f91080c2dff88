import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as clientNode from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMessageOf, apiStatusOf } from './apply.js';
import { kubeConfigFromString, makeClients } from './client.js';
import { KUBE_PATHS } from './plain-kube.js';

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
}

/** A kubeconfig for a loopback server over plain HTTP, with a bearer token. */
const kubeconfigAt = (serverUrl: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {server: "${serverUrl}", insecure-skip-tls-verify: true}}]`,
    'users: [{name: u, user: {token: secret-token}}]',
    'contexts: [{name: x, context: {cluster: c, user: u}}]',
    'current-context: x',
  ].join('\n');

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('PlainKube', () => {
  // A loopback server that records each request and answers with `answer`.
  let server: Server;
  let port: number;
  const received: Received[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method as string,
          url: req.url as string,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  const clientsAt = (serverUrl: string, refuse?: string) =>
    makeClients(
      kubeConfigFromString(kubeconfigAt(serverUrl), {
        lookup: (_hostname, _options, callback) =>
          callback(Object.assign(new Error('no lookups here'), { code: 'ENOTFOUND' }), '', 0),
        checkHost: (hostname) => {
          if (hostname === refuse) throw new Error(`${hostname} is refused`);
        },
      }),
    ).plain;

  it('sends the object as JSON with the credentials of the kubeconfig, and returns the parsed answer', async () => {
    received.length = 0;
    answer = { status: 201, body: '{"metadata":{"name":"p","uid":"u-1"}}' };
    const plain = clientsAt(`http://127.0.0.1:${port}`);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: {} };
    await expect(plain.create(KUBE_PATHS.pods('ns-1'), pod)).resolves.toEqual({ metadata: { name: 'p', uid: 'u-1' } });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/namespaces/ns-1/pods');
    expect(request.headers.authorization).toBe('Bearer secret-token');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual(pod);
  });

  it('keeps a path the server URL has, and sends merge patches and delete options', async () => {
    received.length = 0;
    answer = { status: 200, body: '{}' };
    const plain = clientsAt(`http://127.0.0.1:${port}/k8s/clusters/c-1/`);
    const target = { group: 'cyclone.dev', version: 'v1alpha1', namespace: 'ns', plural: 'workflowruns' };
    await plain.mergePatch(`${KUBE_PATHS.customObjects(target)}/run-1/status`, { status: { phase: 'Running' } });
    await plain.delete(KUBE_PATHS.pod('ns', 'pod-1'), { gracePeriodSeconds: 0 });
    expect(received.map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      [
        'PATCH',
        '/k8s/clusters/c-1/apis/cyclone.dev/v1alpha1/namespaces/ns/workflowruns/run-1/status',
        clientNode.PatchStrategy.MergePatch,
      ],
      ['DELETE', '/k8s/clusters/c-1/api/v1/namespaces/ns/pods/pod-1?gracePeriodSeconds=0', undefined],
    ]);
    expect(JSON.parse(received[0]?.body as string)).toEqual({ status: { phase: 'Running' } });
  });

  it('fails with the status and message of the API server, as the typed clients do', async () => {
    answer = {
      status: 409,
      body: '{"kind":"Status","status":"Failure","message":"pods \\"p\\" already exists","reason":"AlreadyExists","code":409}',
    };
    const error = await clientsAt(`http://127.0.0.1:${port}`)
      .create(KUBE_PATHS.pods('ns'), { metadata: { name: 'p' } })
      .catch((err: unknown) => err);
    expect(apiStatusOf(error)).toBe(409);
    expect(apiMessageOf(error)).toBe('pods "p" already exists');
  });

  it('is checked by the guard of a tenant kubeconfig before it connects', async () => {
    received.length = 0;
    const plain = clientsAt(`http://127.0.0.1:${port}`, '127.0.0.1');
    await expect(plain.create(KUBE_PATHS.secrets('ns'), {})).rejects.toThrow(/127\.0\.0\.1 is refused/);
    expect(received).toHaveLength(0);
  });
});

describe('PlainKube under a burst', () => {
  it('has at most 32 requests under way at once, the others waiting their turn', async () => {
    let open = 0;
    let most = 0;
    const connections = new Set<unknown>();
    const held: (() => void)[] = [];
    const server = createServer((req, res) => {
      open += 1;
      most = Math.max(most, open);
      connections.add(req.socket);
      held.push(() => {
        open -= 1;
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const plain = makeClients(kubeConfigFromString(kubeconfigAt(`http://127.0.0.1:${port}`))).plain;
      const all = Promise.all(Array.from({ length: 50 }, (_, i) => plain.createOnly(KUBE_PATHS.pods('ns'), { i })));
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // The first 32 arrive (however busy the machine), and no other while none is answered.
      for (let waited = 0; held.length < 32 && waited < 10_000; waited += 10) await sleep(10);
      await sleep(200);
      expect(held.length).toBe(32);
      // Then answer whatever is held until all 50 were answered.
      let answered = 0;
      while (answered < 50) {
        for (const answer of held.splice(0)) {
          answer();
          answered += 1;
        }
        await sleep(20);
      }
      await all;
      expect(most).toBe(32);
      // The waiting requests went out on the kept-alive connections of the first ones.
      expect(connections.size).toBe(32);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the plain wire form of pods and Secrets', () => {
  /** Every model class reachable from `root` through its attributes. */
  const reachableModels = (root: string) => {
    const models = clientNode as unknown as Record<string, { getAttributeTypeMap?: () => AttributeType[] }>;
    const seen = new Set<string>();
    const pending = [root];
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (seen.has(name) || !models[name]?.getAttributeTypeMap) continue;
      seen.add(name);
      for (const attribute of models[name].getAttributeTypeMap()) {
        pending.push(...(attribute.type.match(/\bV\d\w*/g) ?? []));
      }
    }
    return [...seen].map((name) => [name, models[name]?.getAttributeTypeMap?.() ?? []] as const);
  };

  it('is what the typed clients would send: no model under them names a field other than its JSON name', () => {
    for (const root of ['V1Pod', 'V1Secret', 'V1ObjectMeta']) {
      const models = reachableModels(root);
      expect(models.length).toBeGreaterThan(root === 'V1Pod' ? 50 : 2);
      const renamed = models.flatMap(([model, attributes]) =>
        attributes.filter((a) => a.name !== a.baseName).map((a) => `${model}.${a.name}`),
      );
      expect(renamed).toEqual([]);
    }
  });
});
