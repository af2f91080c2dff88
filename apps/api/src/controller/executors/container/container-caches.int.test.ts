// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedTenant } from '../../../testing/seed.js';
import { runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';

/** Caches in real containers: restored into the mounted workspace before the container starts, saved after it exits 0. */
describe('container executor: stage caches', () => {
  const image = inject('baseImage');
  let api: TestApi;
  let dataDir: string;
  let h: ReturnType<typeof runHelpers>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-container-caches-'));
    api = await startTestApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'none',
    });
    const admin = await api.loginAsAdmin();
    const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('misses and saves, then restores on the next run', async () => {
    await h.createWorkflow(
      'cached',
      [
        {
          name: 'build',
          image,
          command: ['sh', '-c'],
          args: [
            'if [ -f deps/marker ]; then echo "found $(cat deps/marker)"; else echo fresh; fi; mkdir -p deps && echo "$CYCLONE_RUN_ID" > deps/marker && chmod -R a+rX deps',
          ],
          caches: [{ key: 'deps-${variables.V}', paths: ['deps'], restoreKeys: ['deps-'] }],
        },
      ],
      [{ name: 'V', value: '1' }],
    );
    const first = await h.start('cached');
    expect((await h.waitEnd(first, 60_000)).phase).toBe('SUCCEEDED');
    expect(await h.logs(first, 'build')).toEqual(
      expect.arrayContaining([
        '[cyclone] cache miss for key deps-1',
        'fresh',
        '[cyclone] cache saved as key deps-1 (10.0 kB)',
      ]),
    );
    const second = await h.start('cached', [{ name: 'variables.V', value: '2' }]);
    expect((await h.waitEnd(second, 60_000)).phase).toBe('SUCCEEDED');
    expect(await h.logs(second, 'build')).toEqual(
      expect.arrayContaining([
        '[cyclone] cache restored from key deps-1 for key deps-2 (10.0 kB)',
        `found ${first}`,
        '[cyclone] cache saved as key deps-2 (10.0 kB)',
      ]),
    );
  });
});
