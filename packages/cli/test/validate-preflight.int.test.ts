import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, sh } from '../../../apps/api/src/testing/run-helpers.js';
import { seedTenant } from '../../../apps/api/src/testing/seed.js';
import { startTestApi, type TestApi } from '../../../apps/api/src/testing/test-api.js';
import { cli, ensureBuilt } from './cli-harness.js';

/** `cyclone validate --preflight` against a real API: the server's preflight joins the offline checks. */
describe('cyclone validate --preflight', () => {
  let api: TestApi;
  let home: string;
  let env: Record<string, string>;
  let file: string;

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'cyclone-cli-preflight-'));
    chmodSync(home, 0o755);
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    const admin = await api.loginAsAdmin();
    const { VIEWER: viewer } = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['VIEWER'] });
    await createWorkflow(api, admin, {
      tenant: 'acme',
      project: 'web',
      name: 'release',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference.
      stages: [sh('build', 'make', { env: [{ name: 'TOKEN', value: '${secrets.vault.token}' }] })],
    });
    file = join(home, 'release.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: cyclone.dev/v1alpha1',
        'kind: Workflow',
        'metadata:',
        '  name: release',
        'spec:',
        '  stages:',
        '    - name: build',
        '',
      ].join('\n'),
    );
    env = {
      CYCLONE_CONFIG: join(home, 'config.json'),
      CYCLONE_SERVER: api.url,
      CYCLONE_TOKEN: viewer,
      CYCLONE_TENANT: 'acme',
      CYCLONE_PROJECT: 'web',
    };
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('fails on what the server finds, naming the stage and the check', async () => {
    const offline = await cli(['validate', '-f', file], env);
    expect(offline.code).toBe(0);
    const result = await cli(['validate', '-f', file, '--preflight'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the CLI prints the Cyclone reference.
      'error: preflight.stages.build.SECRET (Workflow/release): ${secrets.vault.token}: the tenant has no integration "vault"',
    );
  });
});
