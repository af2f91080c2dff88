// Programs the API runs for tenants (git, svn, tar) get none of the API's environment:
// a git that runs a command (an alias here; a hook or a helper in an attack) sees no
// database URL, no encryption key and no user configuration.
import { afterEach, describe, expect, it } from 'vitest';
import { runTool } from '../scm/run-tool.js';
import { toolEnvironment } from './tool-environment.js';

const SECRETS = { DATABASE_URL: 'postgresql://cyclone:db-secret@db/cyclone', CYCLONE_ENCRYPTION_KEY: 'key-secret' };

describe('the environment of tools run for tenants', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('holds PATH, proxies, a C locale and an empty HOME, never the API secrets', () => {
    Object.assign(process.env, SECRETS, { HTTPS_PROXY: 'http://proxy.internal:3128' });
    const env = toolEnvironment({ GIT_ASKPASS: '/bin/false' });
    expect(env).toMatchObject({ LC_ALL: 'C', HTTPS_PROXY: 'http://proxy.internal:3128', GIT_ASKPASS: '/bin/false' });
    expect(env.PATH).toBe(process.env.PATH);
    expect(Object.keys(env)).not.toContain('DATABASE_URL');
    expect(Object.keys(env)).not.toContain('CYCLONE_ENCRYPTION_KEY');
    expect(JSON.stringify(env)).not.toMatch(/db-secret|key-secret/);
  });

  it('a command git runs sees no secret of the API', async () => {
    Object.assign(process.env, SECRETS);
    const seen = await runTool('git', ['-c', 'alias.show-env=!env', 'show-env']);
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).toMatch(/^HOME=.*cyclone-tool-home-/m);
    expect(seen).not.toMatch(/db-secret|key-secret|DATABASE_URL|CYCLONE_ENCRYPTION_KEY/);
  });
});
