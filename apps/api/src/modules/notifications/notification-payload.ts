/**
 * What every receiver is told about a finished run, or about an approval stage that
 * waits for a decision (the JSON body of WEBHOOK deliveries).
 */
export interface NotificationPayload {
  event: 'workflowRun.finished' | 'stage.approvalRequested';
  /** The approval stage, for stage.approvalRequested. */
  stage?: string;
  tenant: string;
  project: string;
  workflow: string;
  run: {
    id: string;
    number: number;
    phase: string;
    message: string;
    trigger: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    url: string;
  };
  stages: { name: string; phase: string; exitCode: number | null; attempt: number }[];
}

const EMOJI: Record<string, string> = { SUCCEEDED: ':white_check_mark:', FAILED: ':x:', CANCELLED: ':no_entry_sign:' };

export function headline(summary: NotificationPayload): string {
  const run = `${summary.tenant}/${summary.project}/${summary.workflow} run #${summary.run.number}`;
  return summary.event === 'stage.approvalRequested'
    ? `${run}: stage ${summary.stage} waits for your approval`
    : `${run} ${summary.run.phase}`;
}

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export function slackMessage(summary: NotificationPayload): { text: string; blocks: unknown[] } {
  const emoji = summary.event === 'stage.approvalRequested' ? ':raised_hand:' : EMOJI[summary.run.phase];
  const text = `${emoji ?? ''} ${headline(summary)}`.trim();
  const stages = summary.stages.map(
    (s) => `• ${s.name}: ${s.phase}${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}`,
  );
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*<${summary.run.url}|${escapeSlack(headline(summary))}>*` } },
      ...(summary.run.message
        ? [{ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(summary.run.message) } }]
        : []),
      ...(stages.length ? [{ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(stages.join('\n')) } }] : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `trigger ${summary.run.trigger} · ${duration(summary.run.durationMs)}` }],
      },
    ],
  };
}

export function emailText(summary: NotificationPayload): { subject: string; text: string } {
  const lines = [
    headline(summary),
    summary.run.message ? `\n${summary.run.message}` : '',
    '',
    ...summary.stages.map((s) => `  ${s.name}: ${s.phase}${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}`),
    '',
    `Duration: ${duration(summary.run.durationMs)}`,
    `Started by: ${summary.run.trigger}`,
    summary.run.url,
  ];
  return { subject: `[Cyclone] ${headline(summary)}`, text: lines.filter((l) => l !== undefined).join('\n') };
}

function duration(ms: number | null): string {
  if (ms === null) return 'no duration';
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Slack's mrkdwn control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
