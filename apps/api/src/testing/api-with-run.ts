import { seedTenant } from './seed.js';
import { runHelpers, sh } from './stage-io.js';
import { startTestApi, type TestApi } from './test-api.js';

/**
 * A serving API (no controller: the run stays queued) with one run of a one-stage
 * workflow: what log writers and log followers are tested against.
 */
export async function startApiWithRun(): Promise<{ api: TestApi; runId: string }> {
  const api = await startTestApi({ CYCLONE_ROLE: 'server' });
  const admin = await api.loginAsAdmin();
  const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
  const h = runHelpers(api, () => dev);
  await h.createWorkflow('home', [sh('build', 'true')]);
  return { api, runId: await h.start('home') };
}
