import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const PREVIEW = 'query($cron: String!, $count: Int) { cronSchedulePreview(cron: $cron, count: $count) }';

type Result = {
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  data?: { cronSchedulePreview: string[] } | null;
};

describe('cronSchedulePreview', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('lists the next fire times of a schedule in UTC, in order', async () => {
    const result = (await api.graphql(PREVIEW, { cron: '30 2 * * *', count: 3 }, admin)) as Result;
    expect(result.errors).toBeUndefined();
    const times = result.data?.cronSchedulePreview ?? [];
    expect(times).toHaveLength(3);
    for (const time of times) expect(time).toMatch(/T02:30:00\.000Z$/);
    const millis = times.map((time) => Date.parse(time));
    expect(millis[0]).toBeGreaterThan(Date.now());
    expect(millis[1]! - millis[0]!).toBe(24 * 3600 * 1000);
    expect(millis[2]! - millis[1]!).toBe(24 * 3600 * 1000);
  });

  it('defaults to five fire times', async () => {
    const result = (await api.graphql(PREVIEW, { cron: '*/15 * * * *' }, admin)) as Result;
    expect(result.data?.cronSchedulePreview).toHaveLength(5);
  });

  it('names the cron field and the reason when the schedule is not valid', async () => {
    const fields = (await api.graphql(PREVIEW, { cron: '* * *' }, admin)) as Result;
    expect(fields.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fields.errors?.[0]?.extensions?.field).toBe('cron');
    expect(fields.errors?.[0]?.message).toContain('has 3 fields');

    const range = (await api.graphql(PREVIEW, { cron: '99 * * * *' }, admin)) as Result;
    expect(range.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(range.errors?.[0]?.extensions?.field).toBe('cron');
  });

  it('refuses a count outside 1–100', async () => {
    const result = (await api.graphql(PREVIEW, { cron: '* * * * *', count: 101 }, admin)) as Result;
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('count');
  });

  it('needs a signed-in user', async () => {
    const result = (await api.graphql(PREVIEW, { cron: '* * * * *' })) as Result;
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
