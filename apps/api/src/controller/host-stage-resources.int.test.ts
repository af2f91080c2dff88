import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpReceiver, multipartParts, startHttpReceiver, tarEntries } from '../testing/http-receiver.js';
import { seedTenant } from '../testing/seed.js';
import { oneStageWorkflowYaml, runHelpers, stageOf } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';
const RESOLVER = 'registry.example.com/resolvers/greeting:1';

/** The host executor and resources: it sends Http resources, and refuses those a resolver image handles. */
describe('host executor: Http resources and resolver images', () => {
  let api: TestApi;
  let dataDir: string;
  let receiver: HttpReceiver;
  let dev: string;
  let h: ReturnType<typeof runHelpers>;
  const apply = (yaml: string) => h.must(APPLY, { input: { tenant: 'acme', project: 'web', yaml } });

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-host-resources-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the output path as a tar archive in a multipart form, with the method, field and file name asked for', async () => {
    await h.createResource('site', 'HTTP', [
      { name: 'URL', value: `${receiver.url}/sites/docs` },
      { name: 'METHOD', value: 'PUT' },
      { name: 'FORM_FILE_KEY', value: 'bundle' },
      { name: 'COMPRESS_FILE_NAME', value: 'site.tar' },
    ]);
    await apply(
      oneStageWorkflowYaml(
        'publish',
        'mkdir -p public/css && echo home > public/index.html && echo x > public/css/s.css',
        {
          outputs: [{ name: 'site', path: 'public' }],
        },
      ),
    );
    const id = await h.start('publish');
    const run = await h.waitEnd(id);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    const request = receiver.requests.at(-1);
    expect(request).toMatchObject({ method: 'PUT', url: '/sites/docs' });
    const parts = multipartParts(request as NonNullable<typeof request>);
    expect(parts.map((p) => p.headers['content-disposition'])).toEqual([
      'form-data; name="bundle"; filename="site.tar"',
    ]);
    const files = tarEntries(parts[0]?.content ?? Buffer.alloc(0)).filter((e) => !e.endsWith('/'));
    expect(files.map((e) => e.replace(/^\.\//, ''))).toEqual(['css/s.css', 'index.html']);
    expect(await h.logs(id, 'publish')).toContain('[cyclone] sent resource "site" (public as site.tar): 200: OK');
  });

  it('refuses a resource a resolver image pulls: the host runs no containers', async () => {
    await apply(`apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: resource-type-greeting
  labels:
    resource.cyclone.dev/template: "true"
spec:
  type: Greeting
  resolver: ${RESOLVER}
  operations: [pull]
  parameters:
  - name: GREETING
`);
    await apply(`apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: x}
spec:
  type: Greeting
`);
    await apply(oneStageWorkflowYaml('greet', 'ls greet', { inputs: [{ name: 'x', path: 'greet' }] }));
    const run = await h.waitEnd(await h.start('greet'));
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'greet').message).toContain(
      `the host executor runs no containers, so resource "x" (resolved by the image ${RESOLVER}) cannot be pulled: use the container or Kubernetes executor`,
    );
  });
});
