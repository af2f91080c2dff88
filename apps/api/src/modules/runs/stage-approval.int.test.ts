// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import {
  createWorkflow,
  logLines,
  must,
  type RunView,
  runWorkflow,
  STOP_RUN,
  sh,
  stageOf,
  waitForRun,
} from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';
import { waitFor } from '../../testing/wait.js';

const APPROVAL_FIELDS = `approval {
  state count roles users timeout onTimeout dueAt inputs { name required description }
  approvals { user { email } decision comment inputs { name value } at }
}`;
const GATE_RUN = `query($id: ID!) { workflowRun(id: $id) { id phase message wait { reason } stages { name phase attempt message outputs { key value } ${APPROVAL_FIELDS} } } }`;
const APPROVE = `mutation($input: ApproveStageInput!) { approveStage(input: $input) { id stages { name phase ${APPROVAL_FIELDS} } } }`;
const REJECT = `mutation($input: RejectStageInput!) { rejectStage(input: $input) { id stages { name phase ${APPROVAL_FIELDS} } } }`;
const ADD_MEMBER = 'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role } }';
const SET_NOTIFICATIONS =
  'mutation($input: SetWorkflowNotificationsInput!) { setWorkflowNotifications(input: $input) { policy } }';

interface GateStage {
  name: string;
  phase: string;
  attempt: number;
  message: string;
  outputs: { key: string; value: string }[];
  approval: {
    state: string;
    count: number;
    roles: string[];
    users: string[];
    timeout: string | null;
    onTimeout: string;
    dueAt: string | null;
    inputs: { name: string; required: boolean; description: string | null }[];
    approvals: {
      user: { email: string };
      decision: string;
      comment: string;
      inputs: { name: string; value: string }[];
    }[];
  } | null;
}
interface GateRun {
  id: string;
  phase: string;
  wait?: { reason: string } | null;
  message: string;
  stages: GateStage[];
}
type Refusal = { errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

/** Approval gates through the real API, with real stage processes around them on the local executor. */
describe('approval gates', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let dev: string;
  let viewer: string;
  let lead: string;
  let receiver: Server;
  let receiverUrl: string;
  const delivered: Record<string, unknown>[] = [];
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-approval-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    db = createPrismaClient(api.databaseUrl);
    const admin = await api.loginAsAdmin();
    ({ DEVELOPER: dev, VIEWER: viewer } = await seedTenant(api, admin, 'acme', {
      projects: ['web'],
      roles: ['DEVELOPER', 'VIEWER'],
    }));
    lead = await createUserAndLogin(api, admin, 'lead@acme.test');
    await must(api, admin, ADD_MEMBER, { input: { tenant: 'acme', email: 'lead@acme.test', role: 'DEVELOPER' } });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const readGateRun = async (id: string, token = dev) =>
    (await must<{ workflowRun: GateRun }>(api, token, GATE_RUN, { id })).workflowRun;
  const gateOf = (run: { stages: GateStage[] }, name = 'gate') => run.stages.find((s) => s.name === name) as GateStage;
  const waitForGate = (id: string, phase: string) =>
    waitForRun(api, dev, id, { until: (run) => stageOf(run, 'gate').phase === phase, what: `the gate to be ${phase}` });
  const refusal = async (query: string, input: Record<string, unknown>, token: string) => {
    const result = (await api.graphql(query, { input }, token)) as Refusal;
    return { code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message };
  };

  /** build → gate → deploy, deploy printing the approved version. */
  const releaseWorkflow = (name: string, approval: Record<string, unknown>) =>
    createWorkflow(api, dev, {
      ...scope,
      name,
      stages: [
        sh('build', 'echo built'),
        { name: 'gate', dependsOn: ['build'], approval },
        sh('deploy', 'echo "deploying ${stages.gate.outputs.version}"', { dependsOn: ['gate'] }),
      ],
    });

  it('waits for two distinct members, never the starter alone, and passes their inputs on as outputs', async () => {
    await releaseWorkflow('release', {
      count: 2,
      timeout: '1h',
      inputs: [
        { name: 'version', required: true, description: 'what to deploy' },
        { name: 'note', required: false },
      ],
    });
    // Receivers hear of the gate whatever their policy (which is about finished runs): someone must act.
    await must(api, dev, SET_NOTIFICATIONS, {
      input: {
        ...scope,
        workflow: 'release',
        policy: 'FAILURE',
        receivers: [{ name: 'team', type: 'WEBHOOK', url: receiverUrl }],
      },
    });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'release' });
    await waitForGate(started.id, 'WAITING');
    const waitingRun = await readGateRun(started.id);
    expect(waitingRun).toMatchObject({ phase: 'RUNNING', wait: { reason: 'APPROVAL' } });
    const waiting = gateOf(waitingRun);
    expect(waiting).toMatchObject({ phase: 'WAITING', attempt: 1, message: 'waiting for 2 approvals' });
    expect(waiting.approval).toMatchObject({
      state: 'PENDING',
      count: 2,
      roles: [],
      users: [],
      timeout: '1h',
      onTimeout: 'FAIL',
      approvals: [],
      inputs: [
        { name: 'version', required: true, description: 'what to deploy' },
        { name: 'note', required: false, description: null },
      ],
    });
    expect(Date.parse(waiting.approval?.dueAt as string)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(stageOf(await waitForRun(api, dev, started.id, { until: () => true }), 'deploy').phase).toBe('PENDING');

    // A subscriber hears each decision, then the gate's end and the run's.
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer}` },
      retryAttempts: 0,
    });
    type Update = {
      phase: string;
      stages: { name: string; phase: string; approval: { approvals: unknown[] } | null }[];
    };
    const updates = new Promise<Update[]>((resolve, reject) => {
      const seen: Update[] = [];
      client.subscribe(
        {
          query: `subscription($id: ID!) { workflowRunUpdated(id: $id) { phase stages { name phase approval { approvals { decision } } } } }`,
          variables: { id: started.id },
        },
        {
          next: (value) => seen.push((value.data as { workflowRunUpdated: Update }).workflowRunUpdated),
          error: reject,
          complete: () => resolve(seen),
        },
      );
    });

    const base = { runId: started.id, stage: 'gate' };
    expect(await refusal(APPROVE, { ...base, inputs: [{ name: 'version', value: '1' }] }, viewer)).toEqual({
      code: 'FORBIDDEN',
      message: 'only OWNER or ADMIN or DEVELOPER may decide stage "gate" of run release#1; you are VIEWER',
    });
    expect(await refusal(APPROVE, base, dev)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('"version" is required'),
    });
    expect(
      await refusal(
        APPROVE,
        {
          ...base,
          inputs: [
            { name: 'version', value: '1' },
            { name: 'colour', value: 'x' },
          ],
        },
        dev,
      ),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('"colour" is not an input of this stage (its inputs: version, note)'),
    });
    expect(await refusal(APPROVE, { ...base, stage: 'deploy' }, dev)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await refusal(APPROVE, { ...base, stage: 'nope' }, dev)).toMatchObject({ code: 'NOT_FOUND' });

    const first = await must<{ approveStage: GateRun }>(api, dev, APPROVE, {
      input: { ...base, comment: 'built fine', inputs: [{ name: 'version', value: '1.0' }] },
    });
    expect(gateOf(first.approveStage).approval).toMatchObject({
      state: 'PENDING',
      approvals: [{ user: { email: 'developer@acme.test' }, decision: 'APPROVE', comment: 'built fine' }],
    });
    expect(await refusal(APPROVE, { ...base, inputs: [{ name: 'version', value: '1.0' }] }, dev)).toEqual({
      code: 'CONFLICT',
      message: 'you already approved stage "gate" of run release#1',
    });
    // The starter's approval alone does not pass a gate that needs two.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gateOf(await readGateRun(started.id)).phase).toBe('WAITING');

    const second = await must<{ approveStage: GateRun }>(api, lead, APPROVE, {
      input: {
        ...base,
        inputs: [
          { name: 'version', value: '1.1' },
          { name: 'note', value: 'go' },
        ],
      },
    });
    expect(gateOf(second.approveStage).approval?.state).toBe('APPROVED');
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'SUCCEEDED' });
    const gate = gateOf(await readGateRun(started.id));
    expect(gate).toMatchObject({
      phase: 'SUCCEEDED',
      message: 'approved by developer@acme.test, lead@acme.test',
      outputs: [
        { key: 'version', value: '1.1' },
        { key: 'note', value: 'go' },
      ],
    });
    expect(gate.approval).toMatchObject({ state: 'APPROVED', dueAt: null });
    expect(gate.approval?.approvals.map((a) => [a.user.email, a.inputs])).toEqual([
      ['developer@acme.test', [{ name: 'version', value: '1.0' }]],
      [
        'lead@acme.test',
        [
          { name: 'version', value: '1.1' },
          { name: 'note', value: 'go' },
        ],
      ],
    ]);
    expect(await logLines(api, dev, started.id, 'deploy')).toEqual(['deploying 1.1']);
    expect(await refusal(APPROVE, { ...base, inputs: [{ name: 'version', value: '2' }] }, viewer)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(REJECT, base, dev)).toEqual({
      code: 'CONFLICT',
      message: 'stage "gate" of run release#1 is not waiting for a decision: it is SUCCEEDED',
    });

    const requests = await waitFor(async () => delivered.filter((body) => body.event === 'stage.approvalRequested'), {
      what: 'the approval request to be delivered',
      until: (bodies) => bodies.length > 0,
    });
    expect(requests).toEqual([
      expect.objectContaining({
        event: 'stage.approvalRequested',
        stage: 'gate',
        workflow: 'release',
        run: expect.objectContaining({
          number: 1,
          url: expect.stringMatching(/\/workflows\/release\/runs\/[0-9a-f-]+\?stage=gate$/),
        }),
      }),
    ]);
    // The run succeeded: under FAILURE, nothing more is sent.
    type Delivery = { receiver: string; event: string; stage: string | null; outcome: string };
    const readDeliveries = async () =>
      (
        await must<{ workflowRun: { notifications: Delivery[] } }>(
          api,
          dev,
          'query($id: ID!) { workflowRun(id: $id) { notifications { receiver event stage outcome } } }',
          { id: started.id },
        )
      ).workflowRun.notifications;
    const deliveries = await waitFor(readDeliveries, {
      what: 'the delivery to be recorded',
      until: (rows) => rows.every((row) => row.outcome !== 'PENDING'),
    });
    expect(deliveries).toEqual([
      { receiver: 'team', event: 'stage.approvalRequested', stage: 'gate', outcome: 'DELIVERED' },
    ]);

    const seen = await updates;
    client.dispose();
    const decisionCounts = seen.map((u) => gateOf(u as unknown as GateRun).approval?.approvals.length);
    expect(decisionCounts).toContain(1);
    expect(seen.at(-1)).toMatchObject({ phase: 'SUCCEEDED' });

    const audit = await db.auditEvent.findMany({
      where: { action: { in: ['workflowRun.approveStage', 'workflowRun.rejectStage'] }, objectName: 'release#1/gate' },
      orderBy: { id: 'asc' },
      select: { action: true, outcome: true, actorEmail: true },
    });
    expect(audit.filter((e) => e.outcome === 'SUCCESS')).toEqual([
      { action: 'workflowRun.approveStage', outcome: 'SUCCESS', actorEmail: 'developer@acme.test' },
      { action: 'workflowRun.approveStage', outcome: 'SUCCESS', actorEmail: 'lead@acme.test' },
    ]);
    expect(audit.filter((e) => e.outcome === 'FAILURE').length).toBeGreaterThanOrEqual(5);
  });

  it('a named user decides whatever their role; a rejection fails the gate and the run, with the comment', async () => {
    await releaseWorkflow('vetoed', { users: ['viewer@acme.test'] });
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'vetoed' });
    await waitForGate(started.id, 'WAITING');
    const base = { runId: started.id, stage: 'gate' };
    expect(await refusal(REJECT, base, dev)).toEqual({
      code: 'FORBIDDEN',
      message: 'only viewer@acme.test may decide stage "gate" of run vetoed#1; you are DEVELOPER',
    });
    expect(await refusal(REJECT, { ...base, inputs: [] }, viewer)).toMatchObject({ code: 'BAD_USER_INPUT' });
    await must(api, viewer, REJECT, { input: { ...base, comment: 'not on a Friday' } });
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'FAILED', message: 'stage "gate" failed' });
    expect(stageOf(finished, 'gate')).toMatchObject({
      phase: 'FAILED',
      message: 'rejected by viewer@acme.test: not on a Friday',
    });
    expect(stageOf(finished, 'deploy')).toMatchObject({ phase: 'SKIPPED' });
    expect(gateOf(await readGateRun(started.id)).approval).toMatchObject({
      state: 'REJECTED',
      approvals: [{ user: { email: 'viewer@acme.test' }, decision: 'REJECT', comment: 'not on a Friday' }],
    });
  });

  it('a timeout fails the gate, or skips it and what only depends on it (onTimeout: SKIP)', async () => {
    await releaseWorkflow('expiring', { timeout: '1s' });
    await releaseWorkflow('optional', { timeout: '1s', onTimeout: 'SKIP' });
    const [expiring, optional] = await Promise.all([
      runWorkflow(api, dev, { ...scope, workflow: 'expiring' }),
      runWorkflow(api, dev, { ...scope, workflow: 'optional' }),
    ]);
    const failed = await waitForRun(api, dev, expiring.id);
    expect(failed).toMatchObject({ phase: 'FAILED' });
    expect(stageOf(failed, 'gate')).toMatchObject({
      phase: 'FAILED',
      message: 'approval timed out with 0 of 1 approvals',
    });
    expect(gateOf(await readGateRun(expiring.id)).approval?.state).toBe('TIMED_OUT');
    const skipped = await waitForRun(api, dev, optional.id);
    expect(skipped).toMatchObject({ phase: 'SUCCEEDED' });
    expect(stageOf(skipped, 'gate')).toMatchObject({
      phase: 'SKIPPED',
      message: 'skipped: approval timed out with 0 of 1 approvals',
    });
    expect(stageOf(skipped, 'deploy')).toMatchObject({
      phase: 'SKIPPED',
      message: 'skipped: every upstream stage was skipped',
    });
    expect(gateOf(await readGateRun(optional.id)).approval?.state).toBe('TIMED_OUT');
  });

  it('a stop cancels a waiting gate, and a decision then is refused', async () => {
    await releaseWorkflow('stopped', {});
    const started = await runWorkflow(api, dev, { ...scope, workflow: 'stopped' });
    await waitForGate(started.id, 'WAITING');
    await must(api, dev, STOP_RUN, { id: started.id });
    const finished = await waitForRun(api, dev, started.id);
    expect(finished).toMatchObject({ phase: 'CANCELLED' });
    expect(stageOf(finished, 'gate')).toMatchObject({
      phase: 'CANCELLED',
      message: 'not decided: the run was stopped',
    });
    expect(gateOf(await readGateRun(started.id)).approval?.state).toBe('PENDING');
    expect(await refusal(APPROVE, { runId: started.id, stage: 'gate' }, dev)).toMatchObject({ code: 'CONFLICT' });
  });

  it('saves a gate with its settings, and refuses one that would run something, naming the field', async () => {
    const stored = await api.graphql<{ workflow: { stages: { name: string; image: string; approval: unknown }[] } }>(
      'query { workflow(tenant: "acme", project: "web", name: "release") { stages { name image approval { count users onTimeout inputs { name required } } } } }',
      {},
      dev,
    );
    expect(stored.data?.workflow.stages[1]).toEqual({
      name: 'gate',
      image: '',
      approval: {
        count: 2,
        users: [],
        onTimeout: 'FAIL',
        inputs: [
          { name: 'version', required: true },
          { name: 'note', required: false },
        ],
      },
    });
    const refused = (await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
      { input: { ...scope, name: 'bad-gate', stages: [{ name: 'gate', image: 'alpine', approval: { count: 1 } }] } },
      dev,
    )) as Refusal;
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.stages[0].image' });
    expect(refused.errors?.[0]?.message).toContain('an approval stage runs nothing: it takes no image');
    const imageless = (await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
      { input: { ...scope, name: 'bad-stage', stages: [{ name: 'build' }] } },
      dev,
    )) as Refusal;
    expect(imageless.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.stages[0].image' });
  });

  it('a run of a gated workflow is no different for a run that never reaches the gate', async () => {
    await createWorkflow(api, dev, {
      ...scope,
      name: 'broken-build',
      stages: [sh('build', 'exit 3'), { name: 'gate', dependsOn: ['build'], approval: {} }],
    });
    const run: RunView = await runWorkflow(api, dev, { ...scope, workflow: 'broken-build' });
    const finished = await waitForRun(api, dev, run.id);
    expect(finished).toMatchObject({ phase: 'FAILED' });
    expect(stageOf(finished, 'gate')).toMatchObject({ phase: 'SKIPPED' });
    expect(gateOf(await readGateRun(run.id)).approval).toMatchObject({ state: 'PENDING', approvals: [] });
  });
});
