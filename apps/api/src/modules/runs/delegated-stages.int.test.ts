// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkflow,
  logLines,
  must,
  runWorkflow,
  STOP_RUN,
  sh,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';

const PUBLIC_URL = 'http://cyclone.example.test';
const COMPLETE =
  'mutation($input: CompleteDelegatedStageInput!) { completeDelegatedStage(input: $input) { id stages { name phase message outputs { key value } } } }';
const RUN_WAIT = 'query($id: ID!) { workflowRun(id: $id) { wait { reason } graph { name delegation { type url } } } }';
const SIGNING_KEY = 'query($tenant: String!) { delegationSigningKey(tenant: $tenant) }';
const WORKFLOW_STAGES =
  'query($tenant: String!, $project: String!, $name: String!) { workflow(tenant: $tenant, project: $project, name: $name) { stages { name image delegation { type url config } } } }';

interface Handover {
  headers: IncomingHttpHeaders;
  raw: string;
  body: {
    type: string;
    stage: string;
    workflow: string;
    workflowrun: string;
    tenant: string;
    project: string;
    run: { id: string; number: number };
    attempt: number;
    config: unknown;
    callback: { url: string; token: string };
  };
}
type Refusal = { errors?: { message: string; extensions?: { code?: string } }[] };

/** Delegated stages through the real API: a loopback receiver plays the external system (Jenkins, say). */
describe('delegated stages', () => {
  let api: TestApi;
  let dataDir: string;
  let admin: string;
  let dev: string;
  let viewer: string;
  let receiver: Server;
  let receiverUrl: string;
  let handovers: Handover[] = [];
  /** Statuses the receiver answers with, in turn; then 202. */
  let answers: number[] = [];
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-delegation-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, CYCLONE_PUBLIC_URL: PUBLIC_URL });
    admin = await api.loginAsAdmin();
    ({ DEVELOPER: dev, VIEWER: viewer } = await seedTenant(api, admin, 'acme', {
      projects: ['web'],
      roles: ['DEVELOPER', 'VIEWER'],
    }));
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        handovers.push({ headers: req.headers, raw, body: JSON.parse(raw) as Handover['body'] });
        res.writeHead(answers.shift() ?? 202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/job`;
  });

  beforeEach(() => {
    handovers = [];
    answers = [];
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** build → jenkins (delegated) → deploy, deploy printing the version Jenkins reported. */
  const delegatedWorkflow = (name: string, delegation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createWorkflow(api, dev, {
      ...scope,
      name,
      stages: [
        sh('build', 'echo built'),
        { name: 'jenkins', dependsOn: ['build'], delegation, ...extra },
        sh('deploy', 'echo "deploying ${stages.jenkins.outputs.version}"', { dependsOn: ['jenkins'] }),
      ],
    });
  const waitForJenkins = (id: string, phase: string, attempt = 1) =>
    waitForRun(api, dev, id, {
      until: (run) => stageOf(run, 'jenkins').phase === phase && stageOf(run, 'jenkins').attempt === attempt,
      what: `the delegated stage to be ${phase} on attempt ${attempt}`,
    });
  const handoverNumber = (count: number) =>
    waitFor(async () => handovers, { until: (seen) => seen.length >= count, what: `${count} hand-overs` });
  /** The callback as the external system makes it: to the API (the public URL's host is not this test's). */
  const callBack = async (token: string, body: unknown) => {
    const response = await fetch(`${api.url}/delegations/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const refusal = async (query: string, variables: Record<string, unknown>, token: string) => {
    const result = (await api.graphql(query, variables, token)) as Refusal;
    return { code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message };
  };

  it('hands the work over signed, waits, and the callback ends it once with outputs its dependents read', async () => {
    await delegatedWorkflow('release', { type: 'Jenkins', url: receiverUrl, config: { job: 'release', params: [1] } });
    const stored = await must<{ workflow: { stages: { name: string; image: string; delegation: unknown }[] } }>(
      api,
      dev,
      WORKFLOW_STAGES,
      { ...scope, name: 'release' },
    );
    expect(stored.workflow.stages[1]).toEqual({
      name: 'jenkins',
      image: '',
      delegation: { type: 'Jenkins', url: receiverUrl, config: { job: 'release', params: [1] } },
    });

    const started = await runWorkflow(api, dev, { ...scope, workflow: 'release' });
    const waiting = await waitForJenkins(started.id, 'WAITING');
    expect(waiting.phase).toBe('RUNNING');
    expect(stageOf(waiting, 'jenkins').message).toBe(`handed over to Jenkins at ${new URL(receiverUrl).origin}`);
    expect(stageOf(waiting, 'deploy').phase).toBe('PENDING');
    const { workflowRun } = await must<{
      workflowRun: { wait: { reason: string }; graph: { name: string; delegation: unknown }[] };
    }>(api, viewer, RUN_WAIT, { id: started.id });
    expect(workflowRun.wait.reason).toBe('DELEGATION');
    // The run's graph carries the delegation: the run page draws it from there.
    expect(workflowRun.graph.map((stage) => stage.delegation)).toEqual([
      null,
      { type: 'Jenkins', url: receiverUrl },
      null,
    ]);

    const [handover] = await handoverNumber(1);
    const { body, headers, raw } = handover as Handover;
    expect(body).toMatchObject({
      type: 'Jenkins',
      stage: 'jenkins',
      workflow: 'release',
      workflowrun: `release-${started.number}`,
      tenant: 'acme',
      project: 'web',
      run: { id: started.id, number: started.number },
      attempt: 1,
      config: { job: 'release', params: [1] },
    });
    expect(body.callback.url).toBe(`${PUBLIC_URL}/delegations/${body.callback.token}`);
    expect(body.callback.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-cyclone-event']).toBe('stage.delegated');
    // The tenant's ADMINs read the key; the signature is over the exact body.
    const { delegationSigningKey: key } = await must<{ delegationSigningKey: string }>(api, admin, SIGNING_KEY, {
      tenant: 'acme',
    });
    expect(headers['x-cyclone-signature-256']).toBe(`sha256=${createHmac('sha256', key).update(raw).digest('hex')}`);
    expect(await refusal(SIGNING_KEY, { tenant: 'acme' }, dev)).toMatchObject({ code: 'FORBIDDEN' });

    const completed = await callBack(body.callback.token, {
      phase: 'SUCCEEDED',
      outputs: [{ key: 'version', value: '1.2.3' }],
      message: 'job #7 passed',
    });
    expect(completed).toEqual({
      status: 200,
      body: { outcome: 'COMPLETED', run: String(started.number), stage: 'jenkins', phase: 'SUCCEEDED' },
    });
    const ended = await waitForRun(api, dev, started.id);
    expect(ended.phase).toBe('SUCCEEDED');
    expect(stageOf(ended, 'jenkins')).toMatchObject({
      phase: 'SUCCEEDED',
      message: 'job #7 passed',
      outputs: [{ key: 'version', value: '1.2.3' }],
    });
    expect(await logLines(api, dev, started.id, 'deploy')).toContain('deploying 1.2.3');

    // The token worked once.
    const again = await callBack(body.callback.token, { phase: 'FAILED' });
    expect(again).toEqual({
      status: 404,
      body: { outcome: 'REFUSED', reason: 'no delegated stage waits for this token' },
    });
    expect(stageOf(await waitForRun(api, dev, started.id), 'jenkins').phase).toBe('SUCCEEDED');
  });

  it('a refused hand-over fails the attempt; the retry hands it over again with a new token, the old one is dead', async () => {
    await delegatedWorkflow('flaky', { type: 'Jenkins', url: receiverUrl }, { retries: 1 });
    answers = [503];
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'flaky' });
    const [first, second] = await handoverNumber(2);
    expect(first?.body).toMatchObject({ attempt: 1, config: null });
    expect(second?.body).toMatchObject({ attempt: 2 });
    expect(second?.body.callback.token).not.toBe(first?.body.callback.token);
    await waitForJenkins(started.id, 'WAITING', 2);

    const stale = await callBack(first?.body.callback.token as string, { phase: 'SUCCEEDED' });
    expect(stale.status).toBe(404);
    const failed = await callBack(second?.body.callback.token as string, { phase: 'FAILED', message: 'tests failed' });
    expect(failed.status).toBe(200);
    const ended = await waitForRun(api, dev, started.id);
    expect(ended).toMatchObject({ phase: 'FAILED', message: 'stage "jenkins" failed' });
    expect(stageOf(ended, 'jenkins')).toMatchObject({ phase: 'FAILED', attempt: 2, message: 'tests failed' });
    expect(stageOf(ended, 'deploy').phase).toBe('SKIPPED');
  });

  it('the first attempt says why the hand-over failed', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'refused',
      stages: [{ name: 'jenkins', delegation: { type: 'Jenkins', url: receiverUrl } }],
    });
    answers = [500];
    const ended = await waitForRun(api, dev, (await runWorkflow(api, dev, { ...scope, workflow: 'refused' })).id);
    expect(stageOf(ended, 'jenkins')).toMatchObject({
      phase: 'FAILED',
      message: `could not hand the work over: ${new URL(receiverUrl).origin} answered 500: Internal Server Error`,
    });
  });

  it('a private address is refused by the outbound policy, without a connection', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'private',
      stages: [{ name: 'jenkins', delegation: { type: 'Jenkins', url: 'http://10.0.0.1:8080/job' } }],
    });
    const ended = await waitForRun(api, dev, (await runWorkflow(api, dev, { ...scope, workflow: 'private' })).id);
    expect(ended.phase).toBe('FAILED');
    expect(stageOf(ended, 'jenkins').message).toMatch(
      /^could not hand the work over: 10\.0\.0\.1 is .*which calls made for tenants may not reach/,
    );
  });

  it('a stop cancels the waiting stage; its callback then counts for nothing', async () => {
    await delegatedWorkflow('stoppable', { type: 'Jenkins', url: receiverUrl });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'stoppable' });
    await waitForJenkins(started.id, 'WAITING');
    const [handover] = await handoverNumber(1);
    await must(api, dev, STOP_RUN, { id: started.id });
    const ended = await waitForRun(api, dev, started.id);
    expect(ended.phase).toBe('CANCELLED');
    expect(stageOf(ended, 'jenkins')).toMatchObject({
      phase: 'CANCELLED',
      message: 'not completed: the run was stopped',
    });
    expect((await callBack(handover?.body.callback.token as string, { phase: 'SUCCEEDED' })).status).toBe(404);
  });

  it('the stage timeout ends a wait with no answer', async () => {
    await delegatedWorkflow('silent', { type: 'Jenkins', url: receiverUrl }, { timeout: '2s' });
    const ended = await waitForRun(api, dev, (await runWorkflow(api, dev, { ...scope, workflow: 'silent' })).id);
    expect(stageOf(ended, 'jenkins')).toMatchObject({
      phase: 'FAILED',
      message: 'attempt 1 timed out after 2000 ms without an answer from the delegation',
    });
  });

  it('a DEVELOPER completes a waiting stage by hand; a VIEWER may not; only a waiting delegated stage', async () => {
    await delegatedWorkflow('manual', { type: 'Jenkins', url: receiverUrl });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'manual' });
    await waitForJenkins(started.id, 'WAITING');
    const input = {
      runId: started.id,
      stage: 'jenkins',
      phase: 'SUCCEEDED',
      outputs: [{ key: 'version', value: '9' }],
    };
    expect(await refusal(COMPLETE, { input }, viewer)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(COMPLETE, { input: { ...input, stage: 'build' } }, dev)).toEqual({
      code: 'BAD_USER_INPUT',
      message: `stage: stage "build" of run manual#${started.number} is not a delegated stage`,
    });
    const done = await must<{ completeDelegatedStage: { stages: { name: string; phase: string; message: string }[] } }>(
      api,
      dev,
      COMPLETE,
      { input: { ...input, message: 'Jenkins is down; deployed by hand' } },
    );
    expect(done.completeDelegatedStage.stages.find((s) => s.name === 'jenkins')).toMatchObject({
      phase: 'SUCCEEDED',
      message: 'completed by developer@acme.test: Jenkins is down; deployed by hand',
    });
    expect(await refusal(COMPLETE, { input }, dev)).toMatchObject({ code: 'CONFLICT' });
    const ended = await waitForRun(api, dev, started.id);
    expect(ended.phase).toBe('SUCCEEDED');
    expect(await logLines(api, dev, started.id, 'deploy')).toContain('deploying 9');
  });

  it('refuses a bad callback body with why, and a bad delegation at save naming the field', async () => {
    expect(await callBack('no-such-token', 'not json')).toEqual({
      status: 400,
      body: { outcome: 'REFUSED', reason: 'the body is not JSON' },
    });
    expect(await callBack('no-such-token', { phase: 'DONE' })).toMatchObject({
      status: 400,
      body: { outcome: 'REFUSED', reason: expect.stringMatching(/^phase: /) },
    });
    expect(await callBack('no-such-token', { phase: 'SUCCEEDED' })).toMatchObject({ status: 404 });

    const save = (name: string, stage: Record<string, unknown>) =>
      refusal(
        'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
        { input: { ...scope, name, stages: [{ name: 'jenkins', ...stage }] } },
        dev,
      );
    const ftp = await save('bad-url', { delegation: { type: 'Jenkins', url: 'ftp://ci.example.test/job' } });
    expect(ftp.code).toBe('BAD_USER_INPUT');
    expect(ftp.message).toContain('must be an http:// or https:// URL without credentials in it');
    const both = await save('with-image', { image: 'alpine:3.20', delegation: { type: 'Jenkins', url: receiverUrl } });
    expect(both.code).toBe('BAD_USER_INPUT');
    expect(both.message).toContain('a delegated stage runs no container: it takes no image');
  });
});
