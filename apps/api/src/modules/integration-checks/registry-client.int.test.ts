import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { checkIntegration } from './check-integration.js';
import { CheckError } from './check-result.js';
import { RegistryClient } from './registry-client.js';
import {
  pushTinyImage,
  type RunningRegistry,
  startDockerRegistry,
  startTokenServer,
  type TokenServer,
} from './testing/docker-registry.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const USER = { username: 'builder', password: 'registry-pass-1' };

/** Against the real `docker-registry` binary (distribution 2.8, Debian) with htpasswd auth. */
describe('registry client against docker-registry with htpasswd', () => {
  let registry: RunningRegistry;

  beforeAll(async () => {
    registry = await startDockerRegistry({ htpasswd: USER });
    await pushTinyImage(registry, 'team/app', '1.0');
    await pushTinyImage(registry, 'team/app', '1.1');
    await pushTinyImage(registry, 'tools/lint', 'latest');
  }, 60_000);
  afterAll(async () => registry?.stop());

  const client = (password = USER.password, timeoutMs = 5_000) =>
    new RegistryClient({ server: registry.url, username: USER.username, password, timeoutMs });

  it('pings /v2/ with Basic auth after the Basic challenge', async () => {
    expect(await client().ping()).toMatch(/answered the v2 API \(registry\/2\.0\) as builder/);
  });

  it('lists repositories and tags, following Link pagination', async () => {
    // n=1: the catalog comes one repository per page, linked with `Link: <…>; rel="next"`.
    expect(await client().listRepositories(1)).toEqual(['team/app', 'tools/lint']);
    expect((await client().listTags('team/app', 1)).sort()).toEqual(['1.0', '1.1']);
    expect(await client().listRepositories(100, 1)).toEqual(['team/app']);
  });

  it('tells whether a tag exists', async () => {
    expect(await client().hasTag('team/app', '1.1')).toBe(true);
    expect(await client().hasTag('team/app', '9.9')).toBe(false);
  });

  it('reports a wrong password as an AUTH failure (401)', async () => {
    const error = await client('wrong')
      .ping()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckError);
    expect(error).toMatchObject({ stage: 'AUTH', code: 'HTTP_401' });
    const result = await checkIntegration({
      type: 'DOCKER_REGISTRY',
      config: { server: registry.url, username: USER.username },
      secret: { password: 'wrong' },
    });
    expect(result).toMatchObject({ ok: false, stage: 'AUTH', code: 'HTTP_401' });
  });

  it('testIntegration passes with the right password', async () => {
    const result = await checkIntegration({
      type: 'DOCKER_REGISTRY',
      config: { server: registry.url, username: USER.username },
      secret: { password: USER.password },
    });
    expect(result).toMatchObject({ ok: true, stage: 'RESPONSE', code: 'OK' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

/**
 * The Bearer flow: the same real registry configured with `auth: token`, trusting a
 * loopback token server written in this repository after Docker's token
 * authentication spec (testing/docker-registry.ts, startTokenServer).
 */
describe('registry client with Docker token authentication', () => {
  let tokens: TokenServer;
  let registry: RunningRegistry;

  beforeAll(async () => {
    tokens = await startTokenServer(USER);
    registry = await startDockerRegistry({ token: tokens });
    await pushTinyImage(registry, 'team/app', '2.0');
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('follows the Bearer challenge to the token endpoint with the scope and Basic credentials', async () => {
    tokens.requests.length = 0;
    const client = new RegistryClient({ server: registry.url, ...USER, timeoutMs: 5_000 });
    expect(await client.ping()).toMatch(/answered the v2 API/);
    expect(await client.listTags('team/app')).toEqual(['2.0']);
    expect(await client.listRepositories()).toEqual(['team/app']);
    expect(tokens.requests.map((r) => r.scope)).toEqual([null, 'repository:team/app:pull', 'registry:catalog:*']);
    expect(tokens.requests.every((r) => r.service === tokens.service)).toBe(true);
    expect(tokens.requests[0]?.authorization).toMatch(/^Basic /);
  });

  it('reports credentials the token server refuses as AUTH', async () => {
    const client = new RegistryClient({
      server: registry.url,
      username: USER.username,
      password: 'nope',
      timeoutMs: 5_000,
    });
    await expect(client.ping()).rejects.toMatchObject({ stage: 'AUTH', code: 'HTTP_401' });
  });
});
