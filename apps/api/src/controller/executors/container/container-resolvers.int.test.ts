import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type HttpReceiver, multipartParts, startHttpReceiver, tarEntries } from '../../../testing/http-receiver.js';
import { buildResolverImage } from '../../../testing/resolver-image.js';
import { stageOf } from '../../../testing/run-helpers.js';
import { seedTenant } from '../../../testing/seed.js';
import { oneStageWorkflowYaml, runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';
import { waitFor } from '../../../testing/wait.js';
import { RUN_LABEL } from '../stage-paths.js';

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';
const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }';
const STOP = 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id phase } }';
const TOKEN = 'Res0lver-T0ken-Secret-81';
/**
 * Resources resolved by resolver images and Http resources, in real containers through
 * the real API: the original's protocol (pull before the stage, push after it),
 * their logs in the stage's (secrets masked), their failures, and Http uploads.
 */
describe('container executor: resolver images and Http resources', () => {
  const image = inject('baseImage');
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  let api: TestApi;
  let dataDir: string;
  let dev: string;
  let resolver: string;
  let receiver: HttpReceiver;
  let h: ReturnType<typeof runHelpers>;

  const apply = (yaml: string) => h.must(APPLY, { input: { tenant: 'acme', project: 'web', yaml } });

  beforeAll(async () => {
    resolver = await buildResolverImage(docker, image);
    receiver = await startHttpReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-resolvers-'));
    api = await startTestApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'none',
      CYCLONE_CONTAINER_PIDS_LIMIT: '64',
    });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    h = runHelpers(api, () => dev);
    await h.must(
      CREATE_INTEGRATION,
      { input: { tenant: 'acme', name: 'vault', type: 'GENERAL', config: {}, secret: { token: TOKEN } } },
      admin,
    );
    await apply(`apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: resource-type-greeting
  labels:
    resource.cyclone.dev/template: "true"
spec:
  type: Greeting
  resolver: ${resolver}
  operations: [pull, push]
  parameters:
  - name: GREETING
    required: true
  - name: TOKEN
  bind:
    integrationType: General
    paramBindings:
      TOKEN: general.token
`);
    await apply(`apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: greeting
spec:
  type: Greeting
  integration: vault
  parameters:
  - name: GREETING
    value: hello from the resolver
`);
    await h.createResource('upload', 'HTTP', [
      { name: 'URL', value: `${receiver.url}/upload?to=shelf` },
      { name: 'HEADERS', value: 'X-Shelf:top' },
    ]);
    await apply(
      oneStageWorkflowYaml(
        'greet',
        'cat /workspace/greet/greeting.txt && mkdir -p /workspace/out && echo bye > /workspace/out/note.txt',
        {
          image,
          inputs: [{ name: 'greeting', path: '/workspace/greet' }],
          outputs: [{ name: 'greeting', path: '/workspace/out' }],
        },
      ),
    );
    await apply(
      oneStageWorkflowYaml('upload', 'mkdir -p dist/docs && echo one > dist/a.txt && echo two > dist/docs/b.txt', {
        image,
        outputs: [{ name: 'upload', path: 'dist' }],
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const noContainersLeft = async (runId: string) =>
    expect(await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } })).toEqual([]);

  it('pulls with the resolver image before the stage and pushes after it, the token masked everywhere', async () => {
    const id = await h.start('greet');
    const run = await h.waitEnd(id, 90_000);
    const lines = await h.logs(id, 'greet');
    expect(run.phase, `${JSON.stringify(run)}\n${lines.join('\n')}`).toBe('SUCCEEDED');
    const at = (line: string) => {
      const index = lines.indexOf(line);
      expect(index, `"${line}" in\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const order = [
      at(`[cyclone] resolver "greeting": pull with ${resolver}`),
      at('pull for greet-1/greet with token=***'),
      at('pulled into /cyclone/resolver/data'),
      at('hello from the resolver'),
      at(`[cyclone] resolver "greeting": push with ${resolver}`),
      at('push for greet-1/greet with token=***'),
      at('pushed note.txt: bye'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(lines.join('\n')).not.toContain(TOKEN);
    await noContainersLeft(id);
  });

  it('pulls into a path outside /workspace (the original /go/src style) where the stage sees it', async () => {
    await apply(
      oneStageWorkflowYaml('greet-go', 'cat /go/src/greet/greeting.txt', {
        image,
        inputs: [{ name: 'greeting', path: '/go/src/greet' }],
      }),
    );
    const id = await h.start('greet-go');
    const run = await h.waitEnd(id, 90_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await h.logs(id, 'greet-go')).toContain('hello from the resolver');
  });

  it('fails the stage when the resolver exits non-zero, with its output in the log', async () => {
    const id = await h.start('greet', [{ name: 'resources.greeting.FAIL_WITH', value: '3' }]);
    const run = await h.waitEnd(id, 90_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'greet')).toMatchObject({
      phase: 'FAILED',
      exitCode: null,
      message: 'resource "greeting": resolver pull exited with code 3',
    });
    const lines = await h.logs(id, 'greet');
    expect(lines).toContain('failing as asked');
    // The stage never ran.
    expect(lines).not.toContain('hello from the resolver');
    await noContainersLeft(id);
  });

  it('a stop kills a running resolver container with the attempt', async () => {
    const id = await h.start('greet', [{ name: 'resources.greeting.SLEEP_FOR', value: '300' }]);
    await waitFor(() => h.logs(id, 'greet'), {
      until: (lines) => lines.some((line) => /^pull for greet-\d+\/greet with token=\*\*\*$/.test(line)),
      what: 'the resolver to start',
      timeoutMs: 60_000,
    });
    expect(await docker.listContainers({ filters: { label: [`${RUN_LABEL}=${id}`] } })).toHaveLength(1);
    await h.must(STOP, { id });
    const run = await h.waitEnd(id, 30_000);
    expect(run.phase).toBe('CANCELLED');
    await waitFor(() => docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${id}`] } }), {
      until: (containers) => containers.length === 0,
      what: `the resolver container of run ${id} to go`,
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  });

  it('sends an Http resource as a tar archive in a multipart form; a 500 fails the stage', async () => {
    receiver.answer = 200;
    const id = await h.start('upload');
    const run = await h.waitEnd(id, 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    const request = receiver.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', url: '/upload?to=shelf' });
    expect(request?.headers['x-shelf']).toBe('top');
    const [file] = multipartParts(request as NonNullable<typeof request>);
    expect(file?.headers['content-disposition']).toBe('form-data; name="file"; filename="artifact.tar"');
    expect(tarEntries(file?.content ?? Buffer.alloc(0)).filter((e) => e.endsWith('.txt'))).toEqual([
      expect.stringMatching(/(^|\/)a\.txt$/),
      expect.stringMatching(/(^|\/)docs\/b\.txt$/),
    ]);
    expect(await h.logs(id, 'upload')).toContain('[cyclone] sent resource "upload" (dist as artifact.tar): 200: OK');

    receiver.answer = 500;
    const failing = await h.waitEnd(await h.start('upload'), 60_000);
    expect(stageOf(failing, 'upload')).toMatchObject({
      phase: 'FAILED',
      message: `output resource "upload": 127.0.0.1:${receiver.port} answered 500: Internal Server Error`,
    });
  });
});
