// Web performance figures (issue 6): `pnpm --filter @cyclone/bench web [editor|bundles|runs]…`.
// Uses the built platform (pnpm --filter @cyclone/web build first) or E2E_BASE_URL.
import { benchBundles } from './bundles';
import { benchEditor } from './editor';
import { createTenantAndProject, launch, login, signedInPage, startPlatform } from './lib';
import { benchRunDashboard } from './run-dashboard';

const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.includes(name);

const platform = await startPlatform();
const browser = await launch();
try {
  const token = await login(platform.baseUrl);
  const suffix = Date.now().toString(36);
  const tenant = `bench-${suffix}`;
  const project = 'perf';
  await createTenantAndProject(platform.baseUrl, token, tenant, project);
  console.log(`bench/web against ${platform.baseUrl} (tenant ${tenant})`);

  if (wants('editor') || wants('bundles')) {
    const page = await signedInPage(browser, platform.baseUrl, token, tenant);
    await benchEditor(page, platform.baseUrl, token, tenant, project);
    await page.context().close();
  }
  if (wants('runs')) {
    const page = await signedInPage(browser, platform.baseUrl, token, tenant);
    await benchRunDashboard(page, platform.baseUrl, token, tenant, project);
    await page.context().close();
  }
  if (wants('bundles')) {
    await benchBundles(browser, platform.baseUrl, token, tenant, [
      { name: 'overview /', path: '/', ready: 'main h1' },
      { name: 'projects', path: '/projects', ready: 'table' },
      { name: 'project', path: `/projects/${project}`, ready: 'table' },
      { name: 'editor (500 stages)', path: `/projects/${project}/workflows/big`, ready: '.react-flow__node' },
      { name: 'new workflow', path: `/projects/${project}/new-workflow`, ready: '.react-flow' },
      { name: 'runs list', path: `/projects/${project}/workflows/big/runs`, ready: 'main h1' },
      { name: 'templates', path: '/templates', ready: 'table' },
      { name: 'workflows', path: '/workflows', ready: 'main h1' },
      { name: 'integrations', path: '/integrations', ready: 'main h1' },
      { name: 'settings', path: '/settings', ready: 'main h1' },
    ]);
  }
} finally {
  await browser.close();
  await platform.stop();
}
