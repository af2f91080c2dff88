import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 4000, role: 'all' });
    expect(config.database.url).toBeUndefined();
    expect(config.identity).toMatchObject({
      adminEmail: 'admin@cyclone.local',
      adminPassword: 'cyclone-admin',
      isDefaultAdminPassword: true,
      sessionTtlMs: 7 * 86_400_000,
      loginThrottle: { maxFailuresPerAccount: 10, maxFailuresPerIp: 50, windowMs: 15 * 60_000 },
    });
    expect(config.server.trustProxyHops).toBe(0);
    expect(config.engine.maxQueuedRunsPerTenant).toBe(1000);
    expect(loadConfig({ CYCLONE_MAX_QUEUED_RUNS_PER_TENANT: '0' }).engine.maxQueuedRunsPerTenant).toBeNull();
    expect(config.engine.executor).toBe('auto');
  });

  it('reads CYCLONE_EXECUTOR and refuses an unknown executor', () => {
    expect(loadConfig({ CYCLONE_EXECUTOR: 'host' }).engine.executor).toBe('host');
    expect(() => loadConfig({ CYCLONE_EXECUTOR: 'docker' })).toThrow(/CYCLONE_EXECUTOR/);
  });

  it('runs several server processes only in the server role', () => {
    expect(loadConfig({}).server.processes).toBe(1);
    expect(loadConfig({ CYCLONE_ROLE: 'server', CYCLONE_SERVER_PROCESSES: '3' }).server.processes).toBe(3);
    expect(loadConfig({ CYCLONE_ROLE: 'server', CYCLONE_SERVER_PROCESSES: 'auto' }).server.processes).toBe(
      availableParallelism(),
    );
    expect(() => loadConfig({ CYCLONE_SERVER_PROCESSES: '2' })).toThrow(
      'CYCLONE_SERVER_PROCESSES: more than one process needs CYCLONE_ROLE=server',
    );
    expect(() => loadConfig({ CYCLONE_ROLE: 'server', CYCLONE_SERVER_PROCESSES: 'many' })).toThrow(
      /CYCLONE_SERVER_PROCESSES/,
    );
  });

  it('names every invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', CYCLONE_ROLE: 'worker', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('CYCLONE_ROLE');
    expect(message).toContain('DATABASE_URL');
  });

  it('treats empty variables as unset and a set password as not the default', () => {
    const config = loadConfig({ PORT: '', CYCLONE_ADMIN_PASSWORD: 'a-long-secret' });
    expect(config.server.port).toBe(4000);
    expect(config.identity.isDefaultAdminPassword).toBe(false);
  });

  it('reads the query cache settings: 2s by default, 0 turns it off, other words are refused', () => {
    expect(loadConfig({}).queryCache).toEqual({ maxAgeMs: 2_000, maxEntries: 1000, maxBytes: 64 * 1024 * 1024 });
    const off = loadConfig({ CYCLONE_QUERY_CACHE_MAX_AGE: '0', CYCLONE_QUERY_CACHE_MAX_MB: '8' });
    expect(off.queryCache.maxAgeMs).toBe(0);
    expect(off.queryCache.maxBytes).toBe(8 * 1024 * 1024);
    expect(loadConfig({ CYCLONE_QUERY_CACHE_MAX_AGE: '500ms' }).queryCache.maxAgeMs).toBe(500);
    expect(() => loadConfig({ CYCLONE_QUERY_CACHE_MAX_AGE: 'soon' })).toThrow(/CYCLONE_QUERY_CACHE_MAX_AGE/);
  });

  it('reads the outbound allow and deny lists and names bad entries', () => {
    expect(loadConfig({}).outbound).toMatchObject({ allow: [], deny: [] });
    const config = loadConfig({
      CYCLONE_OUTBOUND_ALLOW: ' 127.0.0.1/32, git.corp ,*.svc.corp',
      CYCLONE_OUTBOUND_DENY: '34.118.224.0/20',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
    });
    expect(config.outbound).toEqual({
      allow: ['127.0.0.1/32', 'git.corp', '*.svc.corp'],
      deny: ['34.118.224.0/20'],
      serviceHost: '10.96.0.1',
      allowLocalRepositories: false,
    });
    expect(loadConfig({ CYCLONE_ALLOW_LOCAL_REPOSITORIES: 'true' }).outbound.allowLocalRepositories).toBe(true);
    expect(() => loadConfig({ CYCLONE_ALLOW_LOCAL_REPOSITORIES: 'yes' })).toThrow(/CYCLONE_ALLOW_LOCAL_REPOSITORIES/);
    expect(() => loadConfig({ CYCLONE_OUTBOUND_ALLOW: '10.0.0.0/99' })).toThrow(/CYCLONE_OUTBOUND_ALLOW/);
    expect(() => loadConfig({ CYCLONE_OUTBOUND_DENY: 'git.corp' })).toThrow(/CYCLONE_OUTBOUND_DENY/);
  });

  it('reads single sign-on settings and refuses incomplete or unsafe ones', () => {
    expect(loadConfig({}).identity).toMatchObject({ passwordSignIn: true, sso: undefined });
    const sso = {
      CYCLONE_OIDC_ISSUER: 'https://id.corp.test/realms/ci',
      CYCLONE_OIDC_CLIENT_ID: 'cyclone',
      CYCLONE_OIDC_CLIENT_SECRET: 'secret',
    };
    expect(loadConfig({ ...sso, CYCLONE_PUBLIC_URL: 'https://ci.corp.test/' }).identity.sso).toEqual({
      issuer: 'https://id.corp.test/realms/ci',
      clientId: 'cyclone',
      clientSecret: 'secret',
      scopes: ['openid', 'email', 'profile'],
      groupsClaim: 'groups',
      adminGroups: [],
      redirectUrl: 'https://ci.corp.test/login/sso',
      displayName: 'SSO',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cyclone-config-')), 'secret');
    writeFileSync(file, 'from-a-file\n');
    const fromFile = { ...sso, CYCLONE_OIDC_CLIENT_SECRET: undefined, CYCLONE_OIDC_CLIENT_SECRET_FILE: file };
    expect(loadConfig(fromFile).identity.sso?.clientSecret).toBe('from-a-file');
    expect(loadConfig({ ...sso, CYCLONE_OIDC_ISSUER: 'http://127.0.0.1:4444/' }).identity.sso?.issuer).toBe(
      'http://127.0.0.1:4444/',
    );

    const problems = (env: Record<string, string | undefined>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ ...sso, CYCLONE_OIDC_ISSUER: 'http://id.corp.test' })).toEqual([
      'CYCLONE_OIDC_ISSUER: must be an https:// URL (http:// only for a provider on a loopback address)',
    ]);
    expect(problems({ CYCLONE_OIDC_ISSUER: sso.CYCLONE_OIDC_ISSUER, CYCLONE_OIDC_SCOPES: 'email' })).toEqual([
      'CYCLONE_OIDC_CLIENT_ID: is required with CYCLONE_OIDC_ISSUER',
      'CYCLONE_OIDC_CLIENT_SECRET: is required with CYCLONE_OIDC_ISSUER (or CYCLONE_OIDC_CLIENT_SECRET_FILE)',
      'CYCLONE_OIDC_SCOPES: must include openid',
    ]);
    expect(problems({ CYCLONE_PASSWORD_SIGN_IN: 'false' })).toEqual([
      'CYCLONE_PASSWORD_SIGN_IN: false needs single sign-on (CYCLONE_OIDC_ISSUER), or nobody could sign in',
    ]);
    expect(
      problems({ ...sso, CYCLONE_OIDC_CLIENT_SECRET: undefined, CYCLONE_OIDC_CLIENT_SECRET_FILE: '/nope' }),
    ).toEqual(['CYCLONE_OIDC_CLIENT_SECRET_FILE: cannot read /nope (ENOENT)']);
  });
});
