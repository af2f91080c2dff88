import { describe, expect, it } from 'vitest';
import { decideSlot, latestSlotAtOrBefore, nextSlotAfter, nextSlots } from './cron-schedule.js';

const t = (iso: string) => new Date(iso);

describe('cron schedule maths', () => {
  it('finds the next slots strictly after a time, in UTC', () => {
    expect(nextSlotAfter('*/15 * * * *', t('2026-01-01T10:00:00Z'))).toEqual(t('2026-01-01T10:15:00Z'));
    expect(nextSlots('0 3 * * *', t('2026-01-01T03:00:00Z'), 3)).toEqual([
      t('2026-01-02T03:00:00Z'),
      t('2026-01-03T03:00:00Z'),
      t('2026-01-04T03:00:00Z'),
    ]);
  });

  it('finds the latest slot at or before now, never before the stored one', () => {
    expect(latestSlotAtOrBefore('*/10 * * * *', t('2026-01-01T10:00:00Z'), t('2026-01-01T10:35:00Z'))).toEqual(
      t('2026-01-01T10:30:00Z'),
    );
    expect(latestSlotAtOrBefore('*/10 * * * *', t('2026-01-01T10:30:00Z'), t('2026-01-01T10:30:00Z'))).toEqual(
      t('2026-01-01T10:30:00Z'),
    );
    expect(latestSlotAtOrBefore('*/10 * * * *', t('2026-01-01T10:40:00Z'), t('2026-01-01T10:35:00Z'))).toBeUndefined();
  });

  it('waits while the stored slot is in the future', () => {
    expect(decideSlot('*/10 * * * *', t('2026-01-01T10:10:00Z'), t('2026-01-01T10:05:00Z'))).toEqual({
      action: 'WAIT',
      nextFireAt: t('2026-01-01T10:10:00Z'),
    });
  });

  it('fires a slot that is due now and stores the one after', () => {
    expect(decideSlot('*/10 * * * *', t('2026-01-01T10:10:00Z'), t('2026-01-01T10:10:00.400Z'))).toEqual({
      action: 'FIRE',
      slot: t('2026-01-01T10:10:00Z'),
      missed: 0,
      nextFireAt: t('2026-01-01T10:20:00Z'),
    });
  });

  it('collapses missed slots into the latest one and counts the rest as missed', () => {
    expect(decideSlot('*/10 * * * *', t('2026-01-01T10:10:00Z'), t('2026-01-01T10:45:00Z'))).toEqual({
      action: 'FIRE',
      slot: t('2026-01-01T10:40:00Z'),
      missed: 3,
      nextFireAt: t('2026-01-01T10:50:00Z'),
    });
  });

  it('skips when the latest missed slot is older than the starting deadline', () => {
    const now = t('2026-01-01T10:45:00Z');
    expect(decideSlot('*/10 * * * *', t('2026-01-01T10:10:00Z'), now, 299)).toMatchObject({
      action: 'SKIP',
      slot: t('2026-01-01T10:40:00Z'),
      nextFireAt: t('2026-01-01T10:50:00Z'),
    });
    expect(decideSlot('*/10 * * * *', t('2026-01-01T10:10:00Z'), now, 300)).toMatchObject({ action: 'FIRE' });
  });

  it('keeps a years-long outage cheap', () => {
    const decision = decideSlot('* * * * *', t('2020-01-01T00:00:00Z'), t('2026-01-01T00:00:30Z'));
    expect(decision).toMatchObject({ action: 'FIRE', slot: t('2026-01-01T00:00:00Z'), missed: 100 });
  });

  describe('in a time zone, across daylight saving changes', () => {
    it('keeps 09:00 Berlin time across the spring change (08:00Z in winter, 07:00Z in summer)', () => {
      expect(nextSlots('0 9 * * *', t('2026-03-27T12:00:00Z'), 4, 'Europe/Berlin')).toEqual([
        t('2026-03-28T08:00:00Z'),
        t('2026-03-29T07:00:00Z'),
        t('2026-03-30T07:00:00Z'),
        t('2026-03-31T07:00:00Z'),
      ]);
    });

    it('keeps 09:00 Berlin time across the autumn change', () => {
      expect(nextSlots('0 9 * * *', t('2026-10-23T12:00:00Z'), 3, 'Europe/Berlin')).toEqual([
        t('2026-10-24T07:00:00Z'),
        t('2026-10-25T08:00:00Z'),
        t('2026-10-26T08:00:00Z'),
      ]);
    });

    it('fires a time the spring change skips once, an hour later in wall time; a repeated time once', () => {
      // 02:30 does not exist in Berlin on 2026-03-29: it fires at 03:30 CEST (01:30Z), once.
      expect(nextSlots('30 2 * * *', t('2026-03-27T12:00:00Z'), 3, 'Europe/Berlin')).toEqual([
        t('2026-03-28T01:30:00Z'),
        t('2026-03-29T01:30:00Z'),
        t('2026-03-30T00:30:00Z'),
      ]);
      // 02:30 happens twice on 2026-10-25: it fires the first time only.
      expect(nextSlots('30 2 * * *', t('2026-10-24T12:00:00Z'), 2, 'Europe/Berlin')).toEqual([
        t('2026-10-25T00:30:00Z'),
        t('2026-10-26T01:30:00Z'),
      ]);
    });

    it('an hourly schedule keeps its step in real time through the repeated hour', () => {
      expect(nextSlots('0 * * * *', t('2026-10-24T23:30:00Z'), 4, 'Europe/Berlin')).toEqual([
        t('2026-10-25T00:00:00Z'),
        t('2026-10-25T01:00:00Z'),
        t('2026-10-25T02:00:00Z'),
        t('2026-10-25T03:00:00Z'),
      ]);
    });

    it('decides slots in the zone: New York 09:00 before and after its March change', () => {
      const before = decideSlot(
        '0 9 * * *',
        t('2026-03-07T14:00:00Z'),
        t('2026-03-07T14:00:05Z'),
        undefined,
        'America/New_York',
      );
      expect(before).toMatchObject({
        action: 'FIRE',
        slot: t('2026-03-07T14:00:00Z'),
        nextFireAt: t('2026-03-08T13:00:00Z'),
      });
      expect(
        latestSlotAtOrBefore('0 9 * * *', t('2026-03-08T13:00:00Z'), t('2026-03-08T13:30:00Z'), 'America/New_York'),
      ).toEqual(t('2026-03-08T13:00:00Z'));
    });
  });
});
