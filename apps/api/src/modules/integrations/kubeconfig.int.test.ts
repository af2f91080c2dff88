// A tenant ADMIN gives a KUBERNETES integration a kubeconfig whose user runs a
// command (exec, auth-provider) or reads a file of the API's machine (token-file,
// client-certificate, client-key, certificate-authority). Refused when it is saved,
// naming the field, and again when it is loaded (a row written before the check).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { SecretBox } from './secret-box.js';

const CREATE = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name secretFields } }';
const UPDATE = 'mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { name } }';
const TEST = 'mutation($input: IntegrationRefInput!) { testIntegration(input: $input) { ok stage code message } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };

describe('tenant kubeconfigs', () => {
  const key = randomBytes(32);
  let api: TestApi;
  let db: Db;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let dir: string;
  /** A file of the API's machine a tenant must not be able to read. */
  let secretFile: string;
  /** The tenant's "cluster": records what it is sent. */
  let cluster: Server;
  let server: string;
  const authorizations: string[] = [];

  const kubeconfig = (user: string, clusterExtra = '') =>
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true${clusterExtra}}}]`,
      `users: [{name: u, user: ${user}}]`,
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
  const marker = () => join(dir, 'exec-ran');
  const attacks = () => ({
    'users[0].user.exec': kubeconfig(
      `{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: sh, args: ["-c", "touch ${marker()}"]}}`,
    ),
    'users[0].user.auth-provider': kubeconfig(
      `{auth-provider: {name: gcp, config: {cmd-path: sh, cmd-args: "-c 'touch ${marker()}'"}}}`,
    ),
    'users[0].user.token-file': kubeconfig(`{token-file: "${secretFile}"}`),
    'users[0].user.client-certificate': kubeconfig(`{client-certificate: "${secretFile}", client-key-data: eA==}`),
    'users[0].user.client-key': kubeconfig(`{client-certificate-data: eA==, client-key: "${secretFile}"}`),
    'clusters[0].cluster.certificate-authority': kubeconfig('{token: t}', `, certificate-authority: "${secretFile}"`),
    'clusters[0].cluster.proxy-url': kubeconfig('{token: t}', ', proxy-url: "http://127.0.0.1:1"'),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cyclone-kubeconfig-'));
    secretFile = join(dir, 'api-secret');
    writeFileSync(secretFile, 'api-file-content-4d1e');
    cluster = createServer((req, res) => {
      authorizations.push(String(req.headers.authorization ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"gitVersion":"v1.30.0"}');
    });
    await new Promise<void>((done) => cluster.listen(0, '127.0.0.1', done));
    server = `http://127.0.0.1:${(cluster.address() as AddressInfo).port}`;
    api = await startTestApi({
      CYCLONE_ENCRYPTION_KEY: key.toString('base64'),
      CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32',
    });
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'kube', { roles: ['ADMIN'] });
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    cluster.close();
    await db.$disconnect();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses commands and file paths when the kubeconfig is saved, naming the field', async () => {
    let index = 0;
    for (const [field, text] of Object.entries(attacks())) {
      index += 1;
      const input = { tenant: 'kube', name: `bad-${index}`, type: 'KUBERNETES', secret: { kubeconfig: text } };
      const created = (await api.graphql(CREATE, { input }, roles.ADMIN)) as Result;
      expect(created.errors?.[0]?.extensions, field).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.secret.kubeconfig',
      });
      expect(created.errors?.[0]?.message, field).toContain(`input.secret.kubeconfig: ${field}: `);
    }
    // The same through updateIntegration.
    const good = { tenant: 'kube', name: 'good', type: 'KUBERNETES', secret: { kubeconfig: kubeconfig('{token: t}') } };
    expect(((await api.graphql(CREATE, { input: good }, roles.ADMIN)) as Result).errors).toBeUndefined();
    const updated = (await api.graphql(
      UPDATE,
      { input: { tenant: 'kube', name: 'good', secret: { kubeconfig: attacks()['users[0].user.exec'] } } },
      roles.ADMIN,
    )) as Result;
    expect(updated.errors?.[0]?.message).toMatch(/^input\.secret\.kubeconfig: users\[0\]\.user\.exec: runs a command/);
    expect(existsSync(marker())).toBe(false);
  });

  it('keeps inline credentials (token, -data fields) working', async () => {
    const input = {
      tenant: 'kube',
      name: 'inline',
      type: 'KUBERNETES',
      secret: { kubeconfig: kubeconfig('{token: inline-token}') },
    };
    expect(((await api.graphql(CREATE, { input }, roles.ADMIN)) as Result).errors).toBeUndefined();
    const tested = (await api.graphql(TEST, { input: { tenant: 'kube', name: 'inline' } }, roles.ADMIN)) as {
      data?: { testIntegration: { ok: boolean } };
    };
    expect(tested.data?.testIntegration).toMatchObject({ ok: true });
    expect(authorizations).toContain('Bearer inline-token');
  });

  it('refuses them again when a stored kubeconfig is loaded: nothing runs, no file is read', async () => {
    const box = new SecretBox(key);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { name: 'kube' } });
    let index = 0;
    for (const [field, text] of Object.entries(attacks())) {
      index += 1;
      const name = `stored-${index}`;
      // As if written before kubeconfigs were checked.
      await db.integration.create({
        data: {
          tenantId: tenant.id,
          name,
          type: 'KUBERNETES',
          config: {},
          secretCiphertext: box.sealJson({ kubeconfig: text }),
          secretKeys: ['kubeconfig'],
        },
      });
      const tested = (await api.graphql(TEST, { input: { tenant: 'kube', name } }, roles.ADMIN)) as {
        data?: { testIntegration: { ok: boolean; code: string; message: string } };
      };
      expect(tested.data?.testIntegration, field).toMatchObject({ ok: false, code: 'BAD_KUBECONFIG' });
      expect(tested.data?.testIntegration.message, field).toContain(field);
    }
    expect(existsSync(marker())).toBe(false);
    expect(authorizations.join('\n')).not.toContain('api-file-content');
  });
});
