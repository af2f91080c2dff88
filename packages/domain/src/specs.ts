import { z } from 'zod';
import { dnsLabelSchema } from './dns-label-schema.js';

/**
 * The shapes the API stores and the YAML codec produces: one definition shared by
 * services, GraphQL inputs, the Cyclone YAML codec, the web editor and the CLI.
 * Limits here are the documented input limits (README, "Input limits").
 */
export const LIMITS = {
  stagesPerWorkflow: 1000,
  listItems: 200,
  stringLength: 4096,
  longTextLength: 65_536,
  yamlBytes: 1_048_576,
} as const;

const text = z.string().max(LIMITS.stringLength);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.listItems);

/** Environment variables, arguments, parameters. */
export const nameValueSchema = z.object({
  name: z.string().min(1).max(253),
  value: z.string().max(LIMITS.longTextLength),
});
export type NameValue = z.infer<typeof nameValueSchema>;

/** `30s`, `15m`, `1h`, `1h30m`: Go-style durations, as in Cyclone. */
export const durationTextSchema = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { message: 'must be a duration like 90s, 30m, 1h or 1h30m' })
  .refine((v) => v.length > 0, { message: 'must not be empty' });

export const RESOURCE_TYPES = ['Git', 'Svn', 'Image', 'KV', 'General'] as const;
export type ResourceTypeName = (typeof RESOURCE_TYPES)[number];

export const resourceSpecSchema = z.object({
  name: dnsLabelSchema,
  type: z.enum(RESOURCE_TYPES),
  parameters: list(nameValueSchema).default([]),
  /** Image that pulls/pushes a General resource. */
  resolver: text.optional(),
  persistent: z.object({ pvc: text, path: text, pullPolicy: z.enum(['Always', 'IfNotPresent']).optional() }).optional(),
  /** Integration (by name) that gives credentials, e.g. for a private repository. */
  integration: dnsLabelSchema.optional(),
});
export type ResourceSpec = z.infer<typeof resourceSpecSchema>;

export const stageArgumentSchema = z.object({
  name: z.string().min(1).max(253),
  value: z.string().max(LIMITS.longTextLength).optional(),
  description: text.optional(),
});

/** What a stage runs and takes, without its place in a workflow (Cyclone's kind: Stage). */
export const stageDefinitionSchema = z.object({
  name: dnsLabelSchema,
  image: text.min(1),
  command: list(z.string().max(LIMITS.longTextLength)).default([]),
  args: list(z.string().max(LIMITS.longTextLength)).default([]),
  env: list(nameValueSchema).default([]),
  workingDir: text.optional(),
  inputs: z
    .object({
      resources: list(z.object({ name: dnsLabelSchema, path: text })).default([]),
      artifacts: list(z.object({ name: z.string().min(1).max(253), path: text })).default([]),
      arguments: list(stageArgumentSchema).default([]),
    })
    .default({ resources: [], artifacts: [], arguments: [] }),
  outputs: z
    .object({
      resources: list(z.object({ name: dnsLabelSchema })).default([]),
      artifacts: list(z.object({ name: z.string().min(1).max(253), path: text })).default([]),
    })
    .default({ resources: [], artifacts: [] }),
  /** The rest of a Kubernetes PodSpec (volumes, more containers…), kept as given. */
  podSpecExtras: z.record(z.string(), z.unknown()).optional(),
  /** Template this stage was made from, if any. */
  template: dnsLabelSchema.optional(),
});
export type StageDefinition = z.infer<typeof stageDefinitionSchema>;

/** A stage in a workflow: its definition plus its place and policies in the DAG. */
export const workflowStageSchema = stageDefinitionSchema.extend({
  dependsOn: list(dnsLabelSchema).default([]),
  /** Artifacts taken from upstream stages: source is "<stage>/<artifact>". */
  artifactSources: list(z.object({ name: z.string().min(1).max(253), source: text })).default([]),
  /** A trivial stage may fail without failing the run (Cyclone's meaning). */
  trivial: z.boolean().default(false),
  timeout: durationTextSchema.optional(),
  retries: z.number().int().min(0).max(10).default(0),
  /** A CEL condition (packages/dag/src/condition.ts): false skips the stage. */
  when: z.string().max(LIMITS.stringLength).optional(),
  /** Runs after every other stage has ended, whatever the outcome, and on stop. */
  finally: z.boolean().default(false),
});
export type WorkflowStage = z.infer<typeof workflowStageSchema>;

/** The content of one immutable workflow version. */
export const workflowSpecSchema = z.object({
  description: z.string().max(LIMITS.longTextLength).default(''),
  globalVariables: list(nameValueSchema).default([]),
  stages: z.array(workflowStageSchema).min(1).max(LIMITS.stagesPerWorkflow),
});
export type WorkflowSpec = z.infer<typeof workflowSpecSchema>;

export const TRIGGER_TYPES = ['CRON', 'SCM', 'WEBHOOK'] as const;

export const scmTriggerSchema = z.object({
  /** Integration (by name) of the SCM server; its webhookSecret verifies deliveries. */
  integration: dnsLabelSchema,
  repo: text.min(1),
  push: z.object({ branches: list(text).default([]) }).optional(),
  tagRelease: z.boolean().default(false),
  pullRequest: z.object({ branches: list(text).default([]) }).optional(),
  /**
   * Comments that start a run, and who besides people with write access to the
   * repository may start one by commenting (their logins on the SCM server).
   */
  pullRequestComment: z.object({ comments: list(text).default([]), users: list(text).default([]) }).optional(),
  /**
   * Pipelines as code: run the workflow in `.cyclone.yaml` at the pushed revision
   * (stored as a workflow version of that revision) instead of the stored one.
   */
  workflowFromRevision: z.boolean().default(false),
});

/** True for a time zone name the runtime's IANA database knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || /^[+-]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name: cron schedules are read in it (DST included). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin, America/New_York or UTC' });

export const CONCURRENCY_POLICIES = ['ALLOW', 'FORBID', 'REPLACE'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

export const triggerSpecSchema = z.object({
  name: dnsLabelSchema,
  type: z.enum(TRIGGER_TYPES),
  /** Five-field cron expression, for CRON. */
  cron: text.optional(),
  /** CRON only: the IANA time zone the schedule is read in; unset = UTC. */
  timezone: timeZoneSchema.optional(),
  /**
   * CRON only, as Kubernetes CronJob: ALLOW starts a run whatever is active; FORBID
   * skips a slot while a run this trigger started is active; REPLACE stops those runs first.
   */
  concurrencyPolicy: z.enum(CONCURRENCY_POLICIES).default('ALLOW'),
  /** CRON only: a slot missed (controller down) by more than this is skipped; unset = no limit. */
  startingDeadlineSeconds: z.number().int().min(1).max(31_536_000).optional(),
  scm: scmTriggerSchema.optional(),
  parameters: list(nameValueSchema).default([]),
  enabled: z.boolean().default(true),
});
export type TriggerSpec = z.infer<typeof triggerSpecSchema>;
