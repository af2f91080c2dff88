import { describe, expect, it } from 'vitest';
import { emailText, headline, type NotificationPayload, slackMessage } from './notification-payload.js';

const finished: NotificationPayload = {
  event: 'workflowRun.finished',
  tenant: 'acme',
  project: 'web',
  workflow: 'release',
  run: {
    id: 'r1',
    number: 7,
    phase: 'FAILED',
    message: 'stage "deploy" failed',
    trigger: 'MANUAL',
    createdAt: '2026-12-05T10:00:00.000Z',
    startedAt: '2026-12-05T10:00:01.000Z',
    finishedAt: '2026-12-05T10:01:06.000Z',
    durationMs: 65_000,
    url: 'https://cyclone.example.com/projects/web/workflows/release/runs/r1',
  },
  stages: [{ name: 'deploy', phase: 'FAILED', exitCode: 2, attempt: 1 }],
};
const requested: NotificationPayload = {
  ...finished,
  event: 'stage.approvalRequested',
  stage: 'sign-off',
  run: {
    ...finished.run,
    phase: 'RUNNING',
    finishedAt: null,
    durationMs: null,
    url: `${finished.run.url}?stage=sign-off`,
  },
};

describe('notification texts', () => {
  it('say how a run ended', () => {
    expect(headline(finished)).toBe('acme/web/release run #7 FAILED');
    expect(slackMessage(finished).text).toBe(':x: acme/web/release run #7 FAILED');
    expect(emailText(finished).subject).toBe('[Cyclone] acme/web/release run #7 FAILED');
  });

  it('ask for an approval, linking to the stage', () => {
    expect(headline(requested)).toBe('acme/web/release run #7: stage sign-off waits for your approval');
    expect(slackMessage(requested).text).toBe(
      ':raised_hand: acme/web/release run #7: stage sign-off waits for your approval',
    );
    expect(JSON.stringify(slackMessage(requested).blocks)).toContain('runs/r1?stage=sign-off|');
    expect(emailText(requested).text).toContain(
      'https://cyclone.example.com/projects/web/workflows/release/runs/r1?stage=sign-off',
    );
  });
});
