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
});
