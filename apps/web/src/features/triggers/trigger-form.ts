import type { ConcurrencyPolicy, TriggerRow, TriggerType } from './triggers.documents';

/** The trigger drawer's state; lists are typed as comma- or newline-separated text. */
export interface TriggerFormValues {
  name: string;
  type: TriggerType;
  enabled: boolean;
  cron: string;
  /** IANA time zone the schedule is read in; "UTC" is what none means. */
  timezone: string;
  concurrencyPolicy: ConcurrencyPolicy;
  startingDeadlineSeconds: string;
  parameters: { name: string; value: string }[];
  integration: string;
  repo: string;
  onPush: boolean;
  pushBranches: string;
  tagRelease: boolean;
  onPullRequest: boolean;
  pullRequestBranches: string;
  onComment: boolean;
  comments: string;
  workflowFromRevision: boolean;
}

export const BLANK_TRIGGER: TriggerFormValues = {
  name: '',
  type: 'CRON',
  enabled: true,
  cron: '0 2 * * *',
  timezone: 'UTC',
  concurrencyPolicy: 'ALLOW',
  startingDeadlineSeconds: '',
  parameters: [],
  integration: '',
  repo: '',
  onPush: true,
  pushBranches: 'main',
  tagRelease: false,
  onPullRequest: false,
  pullRequestBranches: '',
  onComment: false,
  comments: '/rerun',
  workflowFromRevision: false,
};

/** "main, release/*\nhotfix" → ["main", "release/*", "hotfix"]. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export function fromTrigger(trigger: TriggerRow): TriggerFormValues {
  const scm = trigger.scm;
  return {
    ...BLANK_TRIGGER,
    name: trigger.name,
    type: trigger.type,
    enabled: trigger.enabled,
    cron: trigger.cron ?? BLANK_TRIGGER.cron,
    timezone: trigger.timezone ?? BLANK_TRIGGER.timezone,
    concurrencyPolicy: trigger.concurrencyPolicy,
    startingDeadlineSeconds: trigger.startingDeadlineSeconds == null ? '' : String(trigger.startingDeadlineSeconds),
    parameters: trigger.parameters.map(({ name, value }) => ({ name, value })),
    integration: scm?.integration ?? '',
    repo: scm?.repo ?? '',
    onPush: scm ? scm.push != null : BLANK_TRIGGER.onPush,
    pushBranches: scm?.push ? scm.push.branches.join(', ') : BLANK_TRIGGER.pushBranches,
    tagRelease: scm?.tagRelease ?? false,
    onPullRequest: scm?.pullRequest != null,
    pullRequestBranches: scm?.pullRequest?.branches.join(', ') ?? '',
    onComment: scm?.pullRequestComment != null,
    comments: scm?.pullRequestComment ? scm.pullRequestComment.comments.join('\n') : BLANK_TRIGGER.comments,
    workflowFromRevision: scm?.workflowFromRevision ?? false,
  };
}

export interface TriggerInput {
  tenant: string;
  project: string;
  workflow: string;
  name: string;
  type: TriggerType;
  enabled: boolean;
  parameters: { name: string; value: string }[];
  cron?: string;
  timezone?: string;
  concurrencyPolicy?: ConcurrencyPolicy;
  startingDeadlineSeconds?: number;
  scm?: {
    integration: string;
    repo: string;
    push?: { branches: string[] };
    tagRelease: boolean;
    pullRequest?: { branches: string[] };
    pullRequestComment?: { comments: string[] };
    workflowFromRevision: boolean;
  };
}

/** The Create/UpdateWorkflowTriggerInput for the form; fields of other types are left out. */
export function toTriggerInput(
  values: TriggerFormValues,
  ref: { tenant: string; project: string; workflow: string },
): TriggerInput {
  const input: TriggerInput = {
    ...ref,
    name: values.name.trim(),
    type: values.type,
    enabled: values.enabled,
    parameters: values.parameters.filter((p) => p.name.trim()).map((p) => ({ name: p.name.trim(), value: p.value })),
  };
  if (values.type === 'CRON') {
    input.cron = values.cron.trim().replace(/\s+/g, ' ');
    const timezone = values.timezone.trim();
    if (timezone && timezone !== 'UTC') input.timezone = timezone;
    input.concurrencyPolicy = values.concurrencyPolicy;
    const deadline = values.startingDeadlineSeconds.trim();
    if (deadline) input.startingDeadlineSeconds = Number(deadline);
  }
  if (values.type === 'SCM') {
    input.scm = {
      integration: values.integration,
      repo: values.repo.trim(),
      tagRelease: values.tagRelease,
      workflowFromRevision: values.workflowFromRevision,
      ...(values.onPush ? { push: { branches: splitList(values.pushBranches) } } : {}),
      ...(values.onPullRequest ? { pullRequest: { branches: splitList(values.pullRequestBranches) } } : {}),
      ...(values.onComment ? { pullRequestComment: { comments: splitList(values.comments) } } : {}),
    };
  }
  return input;
}

/** True for a zone this browser knows (the server's IANA database has the last word). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.trim().length > 0 && !/^[+-]/.test(name);
  } catch {
    return false;
  }
}

/** The IANA zones to suggest in the form (UTC first), as far as this browser can list them. */
export function timeZoneNames(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const names = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...names.filter((name) => name !== 'UTC')];
}

/** A quick local check before asking the server: five space-separated fields. */
export function cronFieldCount(expression: string): number {
  const trimmed = expression.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/** Where a WEBHOOK trigger is called (POST with an API token), on this origin. */
export function webhookTriggerPath(triggerId: string): string {
  return `/webhooks/triggers/${triggerId}`;
}
