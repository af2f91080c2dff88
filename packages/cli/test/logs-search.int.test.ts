import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, runWorkflowAndWait, sh } from '../../../apps/api/src/testing/run-helpers.js';
import { seedTenant } from '../../../apps/api/src/testing/seed.js';
import { startTestApi, type TestApi } from '../../../apps/api/src/testing/test-api.js';
import { cli, ensureBuilt } from './cli-harness.js';

describe('cyclone logs search against a real API', () => {
  let api: TestApi;
  let home: string;
  let env: Record<string, string>;
  let runIds: string[];

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'cyclone-cli-search-'));
    chmodSync(home, 0o755);
    api = await startTestApi({ CYCLONE_DATA_DIR: join(home, 'data') });
    const admin = await api.loginAsAdmin();
    const { VIEWER: viewer } = await seedTenant(api, admin, 'acme', { projects: ['web', 'api'], roles: ['VIEWER'] });
    await createWorkflow(api, admin, {
      tenant: 'acme',
      project: 'web',
      name: 'deploy',
      stages: [sh('rollout', 'echo "pod web-1 reason=OOMKilled"; echo fine; echo "pod web-2 OOMKilled again"')],
    });
    await createWorkflow(api, admin, {
      tenant: 'acme',
      project: 'api',
      name: 'nightly',
      stages: [sh('soak', 'echo "worker OOMKilled after 3h"')],
    });
    runIds = [];
    for (const [project, workflow] of [
      ['web', 'deploy'],
      ['api', 'nightly'],
    ] as const) {
      runIds.push((await runWorkflowAndWait(api, admin, { tenant: 'acme', project, workflow })).id);
    }
    // A viewer of the tenant, with a default project that must not narrow the search.
    env = {
      CYCLONE_CONFIG: join(home, 'config.json'),
      CYCLONE_SERVER: api.url,
      CYCLONE_TOKEN: viewer,
      CYCLONE_TENANT: 'acme',
      CYCLONE_PROJECT: 'web',
    };
  });

  afterAll(async () => {
    await api?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('prints the matching lines of every workflow, newest first, with run, stage and line', async () => {
    const result = await cli(['logs', 'search', 'OOMKilled', '--since', '7d'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+RUN\s+WORKFLOW\s+STAGE:LINE\s+TEXT$/);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/).slice(2))).toEqual([
      ['nightly #1', 'soak:1', 'worker OOMKilled after 3h'],
      ['deploy #1', 'rollout:3', 'pod web-2 OOMKilled again'],
      ['deploy #1', 'rollout:1', 'pod web-1 reason=OOMKilled'],
    ]);
    expect(lines[1]).toContain(runIds[1]);
  });

  it('narrows to a workflow, pages up to --limit and answers JSON', async () => {
    const result = await cli(['logs', 'search', '"web-2 oomkilled"', '--workflow', 'deploy', '-o', 'json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        run: { id: runIds[0], number: 1, projectName: 'web', workflow: { name: 'deploy' } },
        stage: 'rollout',
        seq: 3,
        line: 'pod web-2 OOMKilled again',
        timestamp: expect.any(String),
      },
    ]);
    const limited = await cli(['logs', 'search', 'oomkilled', '--limit', '1'], env);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(limited.stderr).toContain('more lines match');
    const none = await cli(['logs', 'search', 'oomkilled', '--since', '2000-01-01', '--project', 'nowhere'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('project "nowhere"');
  });

  it('says what is wrong with a search before asking the server', async () => {
    const short = await cli(['logs', 'search', 'ab'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 3 letters or digits');
    const since = await cli(['logs', 'search', 'OOMKilled', '--since', 'last week'], env);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since takes an age');
    const mixed = await cli(['logs', 'search', 'OOMKilled', '--follow'], env);
    expect(mixed.code).toBe(2);
  });
});
