import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { CronReconciler } from './cron-reconciler.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }';
const FIELDS = 'name cron timezone nextFireAt nextFireTimes(count: 5)';
const CREATE_TRIGGER = `mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { ${FIELDS} } }`;
const UPDATE_TRIGGER = `mutation($input: UpdateWorkflowTriggerInput!) { updateWorkflowTrigger(input: $input) { ${FIELDS} } }`;
const PREVIEW = 'query($cron: String!, $timezone: String) { cronSchedulePreview(cron: $cron, timezone: $timezone) }';
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';

type Result<T = unknown> = {
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  data?: T;
};
type TriggerView = { name: string; cron: string; timezone: string | null; nextFireAt: string; nextFireTimes: string[] };

/** Wall-clock hour and minute of an instant in a time zone. */
const wallTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );

/** CRON triggers with a time zone: stored, shown, previewed, fired across a DST change, kept in YAML. */
describe('cron triggers in a time zone', () => {
  let api: TestApi;
  let dev: string;
  let db: Db;
  let count = 0;
  const scope = { tenant: 'acme', project: 'web' };

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  async function workflow(): Promise<string> {
    count += 1;
    const name = `tz-${count}`;
    const created = await api.graphql(
      CREATE_WORKFLOW,
      { input: { ...scope, name, stages: [{ name: 'a', image: 'alpine' }] } },
      dev,
    );
    expect(created.errors).toBeUndefined();
    return name;
  }

  it('stores the zone and shows the next five fire times at the same wall-clock time', async () => {
    const result = (await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          ...scope,
          workflow: await workflow(),
          name: 'morning',
          type: 'CRON',
          cron: '0 9 * * *',
          timezone: 'America/New_York',
        },
      },
      dev,
    )) as Result<{ createWorkflowTrigger: TriggerView }>;
    expect(result.errors).toBeUndefined();
    const trigger = result.data?.createWorkflowTrigger as TriggerView;
    expect(trigger.timezone).toBe('America/New_York');
    expect(trigger.nextFireTimes).toHaveLength(5);
    expect(trigger.nextFireTimes[0]).toBe(trigger.nextFireAt);
    for (const time of trigger.nextFireTimes) expect(wallTime(time, 'America/New_York')).toBe('09:00');

    const preview = (await api.graphql(PREVIEW, { cron: '30 2 * * *', timezone: 'Asia/Kolkata' }, dev)) as Result<{
      cronSchedulePreview: string[];
    }>;
    expect(preview.data?.cronSchedulePreview).toHaveLength(5);
    for (const time of preview.data?.cronSchedulePreview ?? []) expect(time).toMatch(/T21:00:00\.000Z$/);
  });

  it('refuses a zone that is not IANA, and a zone on a trigger that is not CRON, naming the field', async () => {
    const name = await workflow();
    const bad = (await api.graphql(
      CREATE_TRIGGER,
      { input: { ...scope, workflow: name, name: 'x', type: 'CRON', cron: '0 9 * * *', timezone: 'Mars/Olympus' } },
      dev,
    )) as Result;
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timezone' });
    expect(bad.errors?.[0]?.message).toMatch(/IANA time zone/);
    const hook = (await api.graphql(
      CREATE_TRIGGER,
      { input: { ...scope, workflow: name, name: 'hook', type: 'WEBHOOK', timezone: 'Europe/Berlin' } },
      dev,
    )) as Result;
    expect(hook.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timezone' });
    const preview = (await api.graphql(PREVIEW, { cron: '0 9 * * *', timezone: '+02:00' }, dev)) as Result;
    expect(preview.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
    expect(await db.workflowTrigger.count({ where: { workflow: { name } } })).toBe(0);
  });

  it('fires at 09:00 Berlin time on both sides of the spring DST change', async () => {
    const name = await workflow();
    const created = (await api.graphql(
      CREATE_TRIGGER,
      { input: { ...scope, workflow: name, name: 'nine', type: 'CRON', cron: '0 9 * * *', timezone: 'Europe/Berlin' } },
      dev,
    )) as Result;
    expect(created.errors).toBeUndefined();
    const row = await db.workflowTrigger.findFirstOrThrow({ where: { name: 'nine', workflow: { name } } });
    // The Saturday before the change: 09:00 CET is 08:00Z.
    await db.workflowTrigger.update({ where: { id: row.id }, data: { nextFireAt: new Date('2026-03-28T08:00:00Z') } });
    const clock = { now: new Date('2026-03-28T08:00:01Z') };
    const client = createPrismaClient(api.databaseUrl);
    try {
      const cron = new CronReconciler({ db: client, logger: pino({ level: 'silent' }), now: () => clock.now });
      const fired = (await cron.fireDue()).filter((r) => r.triggerId === row.id);
      expect(fired).toMatchObject([{ outcome: 'STARTED', slot: new Date('2026-03-28T08:00:00Z') }]);
      // Sunday: 09:00 CEST is 07:00Z, an hour earlier in UTC.
      const next = await db.workflowTrigger.findUniqueOrThrow({ where: { id: row.id } });
      expect(next.nextFireAt).toEqual(new Date('2026-03-29T07:00:00Z'));
      clock.now = new Date('2026-03-29T06:59:59Z');
      expect((await cron.fireDue()).filter((r) => r.triggerId === row.id)).toEqual([]);
      clock.now = new Date('2026-03-29T07:00:00Z');
      expect((await cron.fireDue()).filter((r) => r.triggerId === row.id)).toMatchObject([
        { outcome: 'STARTED', slot: new Date('2026-03-29T07:00:00Z') },
      ]);
      expect((await db.workflowTrigger.findUniqueOrThrow({ where: { id: row.id } })).nextFireAt).toEqual(
        new Date('2026-03-30T07:00:00Z'),
      );
      expect(await db.workflowRun.count({ where: { triggerId: row.id } })).toBe(2);
    } finally {
      await client.$disconnect();
    }
  });

  it('changing the zone moves the next fire time', async () => {
    const name = await workflow();
    const input = { ...scope, workflow: name, name: 'moved', type: 'CRON', cron: '0 12 * * *' };
    const utc = (await api.graphql(CREATE_TRIGGER, { input }, dev)) as Result<{ createWorkflowTrigger: TriggerView }>;
    expect(utc.data?.createWorkflowTrigger.timezone).toBeNull();
    expect(wallTime(utc.data?.createWorkflowTrigger.nextFireAt as string, 'UTC')).toBe('12:00');
    const tokyo = (await api.graphql(UPDATE_TRIGGER, { input: { ...input, timezone: 'Asia/Tokyo' } }, dev)) as Result<{
      updateWorkflowTrigger: TriggerView;
    }>;
    expect(tokyo.errors).toBeUndefined();
    expect(tokyo.data?.updateWorkflowTrigger.timezone).toBe('Asia/Tokyo');
    expect(wallTime(tokyo.data?.updateWorkflowTrigger.nextFireAt as string, 'UTC')).toBe('03:00');
  });

  it('keeps the zone through the Cyclone YAML round trip', async () => {
    const name = await workflow();
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata:
  name: nightly
spec:
  type: Cron
  workflowRef:
    name: ${name}
  cron:
    schedule: "30 2 * * *"
    timezone: Europe/Berlin
`;
    const applied = (await api.graphql(APPLY, { input: { ...scope, yaml } }, dev)) as Result;
    expect(applied.errors).toBeUndefined();
    const exported = (await api.graphql(
      `{ workflow(tenant: "acme", project: "web", name: "${name}") { yaml triggers { timezone } } }`,
      {},
      dev,
    )) as { data: { workflow: { yaml: string; triggers: unknown[] } } };
    expect(exported.data.workflow.triggers).toEqual([{ timezone: 'Europe/Berlin' }]);
    expect(exported.data.workflow.yaml).toContain('    timezone: Europe/Berlin\n');
    const again = (await api.graphql(
      APPLY,
      { input: { ...scope, yaml: exported.data.workflow.yaml } },
      dev,
    )) as Result<{
      applyManifests: { kind: string; action: string }[];
    }>;
    expect(again.data?.applyManifests.find((o) => o.kind === 'WorkflowTrigger')?.action).toBe('UNCHANGED');
    const wrong = (await api.graphql(
      APPLY,
      { input: { ...scope, yaml: yaml.replace('Europe/Berlin', 'Europe/Atlantis') } },
      dev,
    )) as Result;
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0]?.message).toMatch(/^documents\[0\]\.spec\.cron\.timezone: /);
  });
});
