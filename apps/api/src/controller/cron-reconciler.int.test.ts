import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { CronReconciler } from './cron-reconciler.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }';
const TRIGGER_FIELDS = 'name cron concurrencyPolicy startingDeadlineSeconds nextFireAt nextFireTimes(count: 3) enabled';
const CREATE_TRIGGER = `mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { ${TRIGGER_FIELDS} } }`;
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';
const logger = pino({ level: 'silent' });

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };

/**
 * The API here serves GraphQL only (no controller loop); the tests drive
 * CronReconciler instances themselves with a fake clock, each on its own database
 * client, as separate controller processes would be.
 */
describe('cron triggers', () => {
  let api: TestApi;
  let dev: string;
  let db: Db;
  const clients: Db[] = [];
  let workflowCount = 0;

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    for (const client of clients) await client.$disconnect();
    await db?.$disconnect();
    await api?.stop();
  });

  /** A fresh workflow with one CRON trigger whose stored slot is `slot`. */
  async function cronTrigger(input: Record<string, unknown>, slot: Date): Promise<{ id: string; workflowId: string }> {
    workflowCount += 1;
    const workflow = `wf-${workflowCount}`;
    const created = await api.graphql(
      CREATE_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', name: workflow, stages: [{ name: 'a', image: 'alpine' }] } },
      dev,
    );
    expect(created.errors).toBeUndefined();
    const trigger = await api.graphql(
      CREATE_TRIGGER,
      {
        input: { tenant: 'acme', project: 'web', workflow, name: 'tick', type: 'CRON', cron: '*/10 * * * *', ...input },
      },
      dev,
    );
    expect(trigger.errors).toBeUndefined();
    const row = await db.workflowTrigger.findFirstOrThrow({ where: { name: 'tick', workflow: { name: workflow } } });
    await db.workflowTrigger.update({ where: { id: row.id }, data: { nextFireAt: slot } });
    return { id: row.id, workflowId: row.workflowId };
  }

  function reconciler(clock: { now: Date }): CronReconciler {
    const client = createPrismaClient(api.databaseUrl);
    clients.push(client);
    return new CronReconciler({ db: client, logger, now: () => clock.now });
  }

  const runsOf = (triggerId: string) => db.workflowRun.findMany({ where: { triggerId }, orderBy: { number: 'asc' } });
  const nextFireOf = async (triggerId: string) =>
    (await db.workflowTrigger.findUniqueOrThrow({ where: { id: triggerId } })).nextFireAt;

  it('shows the policy, the stored next fire time and the next fire times', async () => {
    const result = (await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: (await createWorkflowNamed('shown')).name,
          name: 'hourly',
          type: 'CRON',
          cron: '0 * * * *',
          concurrencyPolicy: 'FORBID',
          startingDeadlineSeconds: 120,
        },
      },
      dev,
    )) as Result & { data: { createWorkflowTrigger: { nextFireAt: string; nextFireTimes: string[] } } };
    expect(result.errors).toBeUndefined();
    const trigger = result.data.createWorkflowTrigger;
    expect(trigger).toMatchObject({ concurrencyPolicy: 'FORBID', startingDeadlineSeconds: 120, enabled: true });
    const [first, second, third] = trigger.nextFireTimes.map((t) => new Date(t).getTime()) as [number, number, number];
    expect(trigger.nextFireTimes).toHaveLength(3);
    expect(first).toBe(new Date(trigger.nextFireAt).getTime());
    expect(second - first).toBe(3_600_000);
    expect(third - second).toBe(3_600_000);
    expect(new Date(first).getUTCMinutes()).toBe(0);
  });

  it('refuses a concurrency policy on a non-CRON trigger and a bad count, naming the field', async () => {
    const workflow = (await createWorkflowNamed('refusals')).name;
    const bad = (await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow,
          name: 'hook',
          type: 'WEBHOOK',
          concurrencyPolicy: 'REPLACE',
        },
      },
      dev,
    )) as Result;
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.concurrencyPolicy' });
    const deadline = (await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow,
          name: 'c',
          type: 'CRON',
          cron: '* * * * *',
          startingDeadlineSeconds: 0,
        },
      },
      dev,
    )) as Result;
    expect(deadline.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.startingDeadlineSeconds',
    });
    const count = (await api.graphql(
      `{ workflow(tenant: "acme", project: "web", name: "shown") { triggers { nextFireTimes(count: 0) } } }`,
      {},
      dev,
    )) as Result;
    expect(count.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('fires each due slot exactly once when two controllers race on one database', async () => {
    const slot = new Date('2026-03-01T10:10:00Z');
    const triggers = await Promise.all(Array.from({ length: 6 }, () => cronTrigger({}, slot)));
    const clock = { now: new Date(slot.getTime() + 1_000) };
    const a = reconciler(clock);
    const b = reconciler(clock);
    const rounds = await Promise.all([a.fireDue(), b.fireDue(), a.fireDue(), b.fireDue()]);
    const started = rounds.flat().filter((r) => r.outcome === 'STARTED');
    expect(started).toHaveLength(6);
    for (const trigger of triggers) {
      const runs = await runsOf(trigger.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'CRON', triggerId: trigger.id, createdById: null, phase: 'PENDING' });
      expect(await nextFireOf(trigger.id)).toEqual(new Date('2026-03-01T10:20:00Z'));
    }
    // The same clock again (a restart, another pass): nothing more fires.
    expect(await Promise.all([a.fireDue(), b.fireDue()])).toEqual([[], []]);
    // The next slot fires once more.
    clock.now = new Date('2026-03-01T10:20:00Z');
    const next = (await Promise.all([a.fireDue(), b.fireDue()])).flat();
    expect(next.filter((r) => triggers.some((t) => t.id === r.triggerId))).toHaveLength(6);
    for (const trigger of triggers) expect(await runsOf(trigger.id)).toHaveLength(2);
  });

  it('after a restart fires once for the latest missed slot, or skips it past the starting deadline', async () => {
    const slot = new Date('2026-04-01T10:10:00Z');
    const unlimited = await cronTrigger({}, slot);
    const strict = await cronTrigger({ startingDeadlineSeconds: 60 }, slot);
    const clock = { now: new Date('2026-04-01T10:45:00Z') };
    const results = await reconciler(clock).fireDue();
    expect(results.find((r) => r.triggerId === unlimited.id)).toMatchObject({
      outcome: 'STARTED',
      slot: new Date('2026-04-01T10:40:00Z'),
    });
    expect(results.find((r) => r.triggerId === strict.id)).toMatchObject({ outcome: 'SKIPPED_DEADLINE' });
    expect(await runsOf(unlimited.id)).toHaveLength(1);
    expect(await runsOf(strict.id)).toHaveLength(0);
    expect(await nextFireOf(unlimited.id)).toEqual(new Date('2026-04-01T10:50:00Z'));
    expect(await nextFireOf(strict.id)).toEqual(new Date('2026-04-01T10:50:00Z'));
    // Within the deadline the strict trigger fires.
    clock.now = new Date('2026-04-01T10:50:30Z');
    await reconciler(clock).fireDue();
    expect(await runsOf(strict.id)).toHaveLength(1);
  });

  it('Forbid skips a slot while a run of the trigger is active; Replace stops it and starts a new one', async () => {
    const slot = new Date('2026-05-01T10:00:00Z');
    const forbid = await cronTrigger({ concurrencyPolicy: 'FORBID' }, slot);
    const replace = await cronTrigger({ concurrencyPolicy: 'REPLACE' }, slot);
    const allow = await cronTrigger({}, slot);
    const clock = { now: slot };
    const cron = reconciler(clock);
    await cron.fireDue();
    for (const t of [forbid, replace, allow]) expect(await runsOf(t.id)).toHaveLength(1);

    clock.now = new Date('2026-05-01T10:10:00Z');
    const second = await cron.fireDue();
    expect(second.find((r) => r.triggerId === forbid.id)?.outcome).toBe('SKIPPED_FORBID');
    expect(await runsOf(forbid.id)).toHaveLength(1);
    const replaced = await runsOf(replace.id);
    expect(replaced).toHaveLength(2);
    expect(replaced[0]?.stopRequestedAt).toEqual(clock.now);
    expect(replaced[1]?.stopRequestedAt).toBeNull();
    expect(second.find((r) => r.triggerId === replace.id)?.stoppedRunIds).toEqual([replaced[0]?.id]);
    const allowed = await runsOf(allow.id);
    expect(allowed.map((r) => r.stopRequestedAt)).toEqual([null, null]);

    // Once the forbidding run has finished, the next slot fires.
    await db.workflowRun.updateMany({ where: { triggerId: forbid.id }, data: { phase: 'SUCCEEDED' } });
    clock.now = new Date('2026-05-01T10:20:00Z');
    await cron.fireDue();
    expect(await runsOf(forbid.id)).toHaveLength(2);
  });

  it('keeps the policy through the Cyclone YAML round trip', async () => {
    await createWorkflowNamed('yaml-wf');
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata:
  name: nightly
spec:
  type: Cron
  workflowRef:
    name: yaml-wf
  cron:
    schedule: "0 3 * * *"
    concurrencyPolicy: Replace
    startingDeadlineSeconds: 600
`;
    const applied = (await api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml } }, dev)) as Result;
    expect(applied.errors).toBeUndefined();
    const exported = (await api.graphql(
      '{ workflow(tenant: "acme", project: "web", name: "yaml-wf") { yaml triggers { concurrencyPolicy startingDeadlineSeconds } } }',
      {},
      dev,
    )) as { data: { workflow: { yaml: string; triggers: unknown[] } } };
    expect(exported.data.workflow.triggers).toEqual([{ concurrencyPolicy: 'REPLACE', startingDeadlineSeconds: 600 }]);
    expect(exported.data.workflow.yaml).toMatch(/concurrencyPolicy: Replace/);
    expect(exported.data.workflow.yaml).toMatch(/startingDeadlineSeconds: 600/);
    const again = (await api.graphql(
      APPLY,
      { input: { tenant: 'acme', project: 'web', yaml: exported.data.workflow.yaml } },
      dev,
    )) as { data: { applyManifests: { kind: string; action: string }[] } };
    // Inline stages come back as Stage documents; the trigger and workflow are unchanged.
    expect(again.data.applyManifests.filter((o) => o.kind !== 'Stage').map((o) => [o.kind, o.action])).toEqual([
      ['Workflow', 'UNCHANGED'],
      ['WorkflowTrigger', 'UNCHANGED'],
    ]);
    const wrong = (await api.graphql(
      APPLY,
      { input: { tenant: 'acme', project: 'web', yaml: yaml.replace('Replace', 'Sometimes') } },
      dev,
    )) as Result;
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0]?.message).toMatch(/concurrencyPolicy/);
  });

  it("starts runs with the original Cyclone's run preset of a trigger: stages, resources and globalVariables", async () => {
    await createWorkflowNamed('preset-wf');
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata:
  name: preset
spec:
  type: Cron
  workflowRef:
    name: preset-wf
  cron:
    schedule: "*/10 * * * *"
  parameters:
    - name: variables.ENV
      value: dev
  globalVariables:
    - name: REGION
      value: eu
  stages:
    - name: a
      parameters:
        - name: GOFLAGS
          value: -v
  resources:
    - name: src
      parameters:
        - name: SCM_REVISION
          value: v1.2
`;
    const applied = (await api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml } }, dev)) as Result;
    expect(applied.errors).toBeUndefined();
    const row = await db.workflowTrigger.findFirstOrThrow({
      where: { name: 'preset', workflow: { name: 'preset-wf' } },
    });
    const slot = new Date('2026-06-01T10:00:00Z');
    await db.workflowTrigger.update({ where: { id: row.id }, data: { nextFireAt: slot } });
    await reconciler({ now: slot }).fireDue();
    const [run] = await runsOf(row.id);
    expect(run?.parameters).toEqual([
      { name: 'variables.ENV', value: 'dev' },
      { name: 'variables.REGION', value: 'eu' },
      { name: 'stages.a.GOFLAGS', value: '-v' },
      { name: 'resources.src.SCM_REVISION', value: 'v1.2' },
    ]);
  });

  async function createWorkflowNamed(name: string): Promise<{ name: string }> {
    const created = await api.graphql(
      CREATE_WORKFLOW,
      { input: { tenant: 'acme', project: 'web', name, stages: [{ name: 'a', image: 'alpine' }] } },
      dev,
    );
    expect(created.errors).toBeUndefined();
    return { name };
  }
});
