import { describe, expect, it } from 'vitest';
import {
  BLANK_TRIGGER,
  cronFieldCount,
  fromTrigger,
  isKnownTimeZone,
  splitList,
  timeZoneNames,
  toTriggerInput,
} from './trigger-form';
import type { TriggerRow } from './triggers.documents';

const ref = { tenant: 'acme', project: 'web', workflow: 'ci' };

describe('splitList', () => {
  it('splits on commas and newlines and drops blanks', () => {
    expect(splitList(' main, release/*\n\nhotfix ,')).toEqual(['main', 'release/*', 'hotfix']);
  });
});

describe('toTriggerInput', () => {
  it('sends only the CRON settings for a CRON trigger', () => {
    const input = toTriggerInput(
      { ...BLANK_TRIGGER, name: ' nightly ', cron: ' 0  2 * * 1-5 ', startingDeadlineSeconds: '600' },
      ref,
    );
    expect(input).toEqual({
      ...ref,
      name: 'nightly',
      type: 'CRON',
      enabled: true,
      parameters: [],
      cron: '0 2 * * 1-5',
      concurrencyPolicy: 'ALLOW',
      startingDeadlineSeconds: 600,
    });
  });

  it('sends the time zone of a CRON trigger unless it is UTC', () => {
    const berlin = toTriggerInput({ ...BLANK_TRIGGER, name: 'n', timezone: ' Europe/Berlin ' }, ref);
    expect(berlin.timezone).toBe('Europe/Berlin');
    expect(toTriggerInput({ ...BLANK_TRIGGER, name: 'n' }, ref)).not.toHaveProperty('timezone');
    expect(
      toTriggerInput({ ...BLANK_TRIGGER, name: 'n', type: 'WEBHOOK', timezone: 'Asia/Tokyo' }, ref),
    ).not.toHaveProperty('timezone');
  });

  it('knows IANA zones and lists UTC first', () => {
    expect(isKnownTimeZone('America/New_York')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(isKnownTimeZone('+02:00')).toBe(false);
    expect(timeZoneNames()[0]).toBe('UTC');
    expect(timeZoneNames()).toContain('Europe/Berlin');
  });

  it('maps SCM events: unchecked events are left out, an empty branch list means every branch', () => {
    const input = toTriggerInput(
      {
        ...BLANK_TRIGGER,
        name: 'pushes',
        type: 'SCM',
        integration: 'gh',
        repo: 'acme/web',
        onPush: true,
        pushBranches: '',
        onPullRequest: true,
        pullRequestBranches: 'main',
        onComment: false,
        tagRelease: true,
      },
      ref,
    );
    expect(input.cron).toBeUndefined();
    expect(input.scm).toEqual({
      integration: 'gh',
      repo: 'acme/web',
      tagRelease: true,
      workflowFromRevision: false,
      push: { branches: [] },
      pullRequest: { branches: ['main'] },
    });
  });

  it('drops parameters without a name', () => {
    const input = toTriggerInput(
      {
        ...BLANK_TRIGGER,
        type: 'WEBHOOK',
        name: 'hook',
        parameters: [
          { name: ' env ', value: 'prod' },
          { name: '', value: 'x' },
        ],
      },
      ref,
    );
    expect(input.parameters).toEqual([{ name: 'env', value: 'prod' }]);
    expect(input.scm).toBeUndefined();
  });
});

describe('fromTrigger', () => {
  it('round-trips an SCM trigger through the form', () => {
    const row: TriggerRow = {
      id: '1',
      name: 'pr',
      type: 'SCM',
      enabled: false,
      cron: null,
      timezone: null,
      concurrencyPolicy: 'ALLOW',
      startingDeadlineSeconds: null,
      nextFireAt: null,
      nextFireTimes: [],
      parameters: [],
      webhookUrl: '/webhooks/x',
      scm: {
        integration: 'gh',
        repo: 'acme/web',
        push: null,
        tagRelease: false,
        pullRequest: { branches: ['main', 'dev'] },
        pullRequestComment: { comments: ['/rerun'] },
        workflowFromRevision: true,
      },
      createdAt: '2026-01-01T00:00:00Z',
    };
    const values = fromTrigger(row);
    expect(values.onPush).toBe(false);
    expect(values.pullRequestBranches).toBe('main, dev');
    expect(values.workflowFromRevision).toBe(true);
    expect(toTriggerInput(values, ref).scm).toEqual({
      integration: 'gh',
      repo: 'acme/web',
      tagRelease: false,
      workflowFromRevision: true,
      pullRequest: { branches: ['main', 'dev'] },
      pullRequestComment: { comments: ['/rerun'] },
    });
  });
});

describe('cronFieldCount', () => {
  it('counts whitespace-separated fields', () => {
    expect(cronFieldCount(' */5  * * * * ')).toBe(5);
    expect(cronFieldCount('')).toBe(0);
  });
});
