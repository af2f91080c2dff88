import { z } from 'zod';
import { stageCacheProblems, stageCacheSchema } from './caches.js';
import { dnsLabelSchema } from './dns-label-schema.js';
import { MAX_MATRIX_COMBINATIONS, matrixSize, parseMatrixFrom } from './matrix.js';

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

/** Cyclone's built-in resource types; a tenant registers more (resource-types.ts). */
export const RESOURCE_TYPES = ['Git', 'Svn', 'Image', 'KV', 'General', 'Http'] as const;
export type ResourceTypeName = (typeof RESOURCE_TYPES)[number];

export function isBuiltinResourceType(type: string): type is ResourceTypeName {
  return (RESOURCE_TYPES as readonly string[]).includes(type);
}

/** A resource's `spec.type`: a built-in, or a type the tenant registered (checked against them when saved). */
export const resourceTypeNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/, {
  message: `must be one of ${RESOURCE_TYPES.join(', ')} or a registered type's name (letters, digits, . _ -)`,
});

/**
 * How a persistent resource's kept copy is brought to a run's revision (the original's
 * ResourcePullPolicy): `IfNotExist` incrementally, `Always` afresh. `IfNotPresent`, which
 * earlier versions of Cyclone took, is read as `IfNotExist`.
 */
export const RESOURCE_PULL_POLICIES = ['Always', 'IfNotExist'] as const;
const resourcePullPolicySchema = z.preprocess(
  (value) => (value === 'IfNotPresent' ? 'IfNotExist' : value),
  z.enum(RESOURCE_PULL_POLICIES, { message: 'must be Always or IfNotExist' }),
);

export const resourceSpecSchema = z.object({
  name: dnsLabelSchema,
  type: resourceTypeNameSchema,
  parameters: list(nameValueSchema).default([]),
  /** Image that pulls/pushes a General resource (a registered type's own resolver otherwise). */
  resolver: text.optional(),
  /** Kept between runs: on Kubernetes in the PVC `pvc` at `path`, locally one folder per tenant and resource. */
  persistent: z.object({ pvc: text, path: text, pullPolicy: resourcePullPolicySchema.optional() }).optional(),
  /** Integration (by name) that gives credentials, e.g. for a private repository. */
  integration: dnsLabelSchema.optional(),
});
export type ResourceSpec = z.infer<typeof resourceSpecSchema>;

export const stageArgumentSchema = z.object({
  name: z.string().min(1).max(253),
  value: z.string().max(LIMITS.longTextLength).optional(),
  description: text.optional(),
});

/**
 * How a service says it is ready: `command` run inside it exits 0, or something
 * listens on `tcpPort`; exactly one of them. Past `timeout` (default 2m) the attempt fails.
 */
export const serviceReadinessSchema = z
  .object({
    command: list(z.string().max(LIMITS.longTextLength)).min(1).optional(),
    tcpPort: z.number().int().min(1).max(65_535).optional(),
    timeout: durationTextSchema.optional(),
  })
  .refine((r) => (r.command === undefined) !== (r.tcpPort === undefined), {
    message: 'needs exactly one of command or tcpPort',
  });
export type ServiceReadiness = z.infer<typeof serviceReadinessSchema>;

/** How long a service may take to become ready when its readiness names no timeout. */
export const DEFAULT_SERVICE_READINESS_TIMEOUT = '2m';

/**
 * A container that starts before the stage's own, is reachable from it by `name`
 * (a host name) and ends when the stage's container ends: a database, a cache.
 */
export const stageServiceSchema = z.object({
  // Its container in a stage pod is `svc-<name>`, which must stay a DNS label.
  name: dnsLabelSchema.refine((name) => name.length <= 59, { message: 'must be at most 59 characters' }),
  image: text.min(1),
  command: list(z.string().max(LIMITS.longTextLength)).default([]),
  args: list(z.string().max(LIMITS.longTextLength)).default([]),
  env: list(nameValueSchema).default([]),
  readiness: serviceReadinessSchema.optional(),
});
export type StageService = z.infer<typeof stageServiceSchema>;

/** Names that repeat or clash with the stage's own: a service's name is a host name in the stage. */
export function serviceProblems(stage: {
  name: string;
  services?: readonly { name: string }[];
}): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  (stage.services ?? []).forEach((service, index) => {
    if (service.name === stage.name) {
      problems.push({ path: ['services', index, 'name'], message: `must not be the stage's own name "${stage.name}"` });
    } else if (seen.has(service.name)) {
      problems.push({ path: ['services', index, 'name'], message: `service "${service.name}" is repeated` });
    }
    seen.add(service.name);
  });
  return problems;
}

/** An absolute http(s) URL without credentials in it. */
const httpUrlSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { message: 'must be an http:// or https:// URL without credentials in it' },
  );

/**
 * A delegated stage (the original Cyclone's `spec.delegation`): it runs nothing itself;
 * Cyclone POSTs the work to `url` and the stage waits (WAITING) until the external
 * system calls back with the outcome (docs/workflows.md, "Delegation stages").
 */
export const stageDelegationSchema = z.object({
  /** What kind of system takes the work (free text, e.g. Jenkins); sent along. */
  type: z.string().min(1).max(63),
  url: httpUrlSchema,
  /** Sent as given: what the external system needs to know (any JSON value). */
  config: z.json().optional(),
});
export type StageDelegation = z.infer<typeof stageDelegationSchema>;

/** An output resource's path; null (a GraphQL input left empty) is none. */
export const optionalOutputPath = z.preprocess((value) => (value === null ? undefined : value), text.optional());

/** What a stage runs and takes, without its place in a workflow (Cyclone's kind: Stage). */
export const stageDefinitionSchema = z.object({
  name: dnsLabelSchema,
  /** Required (stageDefinitionProblems) unless the stage is delegated. */
  image: text.default(''),
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
      /** `path`: where the stage leaves what a resolver pushes (an Http or registered type's `push`). */
      resources: list(z.object({ name: dnsLabelSchema, path: optionalOutputPath })).default([]),
      artifacts: list(z.object({ name: z.string().min(1).max(253), path: text })).default([]),
    })
    .default({ resources: [], artifacts: [] }),
  /** The rest of a Kubernetes PodSpec (volumes, more containers…), kept as given. */
  podSpecExtras: z.record(z.string(), z.unknown()).optional(),
  /** Template this stage was made from, if any. */
  template: dnsLabelSchema.optional(),
  /** Restored before the stage starts, saved after it succeeds (caches.ts); absent = none. */
  caches: list(stageCacheSchema).optional(),
  /** Containers started before the stage's own and ended with it; absent when none (the codecs never write []). */
  services: list(stageServiceSchema).optional(),
  /** Makes the stage a delegated one: an external system does its work. */
  delegation: stageDelegationSchema.optional(),
});
export type StageDefinition = z.infer<typeof stageDefinitionSchema>;

type Problem = { path: (string | number)[]; message: string };

/** What the schema cannot say of a stage definition: an image unless it is delegated, nothing else if it is. */
export function stageDefinitionProblems(stage: StageDefinition): Problem[] {
  if (stage.delegation) return containerlessProblems({ ...stage, artifactSources: [], retries: 0 });
  return stage.image === '' ? [{ path: ['image'], message: 'must not be empty' }] : [];
}

export const TENANT_ROLES = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'] as const;
export type TenantRoleName = (typeof TENANT_ROLES)[number];

/** Who may decide an approval gate when it names neither roles nor users. */
export const DEFAULT_APPROVER_ROLES: readonly TenantRoleName[] = ['OWNER', 'ADMIN', 'DEVELOPER'];

/** A value an approver gives; it becomes an output of the gate (`stages.<gate>.outputs.<name>`). */
export const approvalInputSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/, { message: 'must be a key: a letter or _, then letters, digits, _ . -' }),
  required: z.boolean().default(false),
  description: text.optional(),
});

/**
 * An approval gate: the stage runs nothing and waits (WAITING) until `count` members
 * approve (one decision each; with roles, users or, when neither is given,
 * DEFAULT_APPROVER_ROLES), one rejects, or `timeout` passes (`onTimeout`: FAIL or SKIP).
 */
export const stageApprovalSchema = z.object({
  count: z.number().int().min(1).max(20).default(1),
  roles: list(z.enum(TENANT_ROLES)).default([]),
  /** Emails of users who may decide, whatever their role (members of the tenant). */
  users: list(z.string().min(3).max(254)).default([]),
  timeout: durationTextSchema.optional(),
  onTimeout: z.enum(['FAIL', 'SKIP']).default('FAIL'),
  inputs: list(approvalInputSchema).default([]),
});
export type StageApproval = z.infer<typeof stageApprovalSchema>;

/**
 * A child workflow: the stage starts a run of another workflow of the same project (with
 * these parameters, which may use variables and upstream outputs) and ends with its
 * outcome; the child's outputs become the stage's.
 */
export const childWorkflowSchema = z.object({
  name: dnsLabelSchema,
  parameters: list(nameValueSchema).default([]),
});
export type ChildWorkflow = z.infer<typeof childWorkflowSchema>;

/** One axis of a matrix: its values become `${matrix.<name>}` and `MATRIX_<NAME>` in each combination. */
export const matrixAxisSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/, { message: 'must be a name: a letter or _, then letters, digits, _ -' }),
  values: list(text).min(1),
});
export type MatrixAxisSpec = z.infer<typeof matrixAxisSchema>;

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
  /** Makes the stage an approval gate: it runs nothing, members decide it. */
  approval: stageApprovalSchema.optional(),
  /** Makes the stage a run of another workflow of the project. */
  workflow: childWorkflowSchema.optional(),
  /** Runs the stage once per combination of these values (matrix.ts). */
  matrix: list(matrixAxisSchema).default([]),
  /** Runs the stage once per item of a JSON list in an upstream output: `${stages.S.outputs.K}`. */
  matrixFrom: z.string().max(LIMITS.stringLength).optional(),
  /** How many combinations run at once (default: all). */
  maxParallel: z.number().int().min(1).max(MAX_MATRIX_COMBINATIONS).optional(),
});
export type WorkflowStage = z.infer<typeof workflowStageSchema>;

/** What a stage that runs no container of its own is, in its messages; undefined for an ordinary stage. */
function containerlessKind(stage: {
  approval?: unknown;
  workflow?: unknown;
  delegation?: unknown;
}): string | undefined {
  if (stage.approval) return 'an approval stage runs nothing';
  if (stage.workflow) return 'a child-workflow stage runs no container';
  if (stage.delegation) return 'a delegated stage runs no container';
  return undefined;
}

type ContainerlessStage = StageDefinition &
  Partial<Pick<WorkflowStage, 'approval' | 'workflow'>> & { artifactSources: readonly unknown[]; retries: number };

/** The parts of a stage that runs no container of its own (an approval gate, a child workflow, a delegation) must leave out. */
function containerlessProblems(stage: ContainerlessStage): Problem[] {
  const problems: Problem[] = [];
  const kind = containerlessKind(stage) ?? '';
  const refuse = (path: (string | number)[], what: string) =>
    problems.push({ path, message: `${kind}: it takes no ${what}` });
  if (stage.image !== '') refuse(['image'], 'image');
  if (stage.command.length > 0) refuse(['command'], 'command');
  if (stage.args.length > 0) refuse(['args'], 'args');
  if (stage.env.length > 0) refuse(['env'], 'env');
  if (stage.inputs.resources.length + stage.inputs.artifacts.length + stage.artifactSources.length > 0) {
    refuse(['inputs'], 'inputs');
  }
  if (stage.outputs.resources.length + stage.outputs.artifacts.length > 0) refuse(['outputs'], 'outputs');
  if (stage.podSpecExtras !== undefined) refuse(['podSpecExtras'], 'pod settings');
  if ((stage.caches?.length ?? 0) > 0) refuse(['caches'], 'caches');
  if (stage.services !== undefined) refuse(['services'], 'services');
  const kinds = [stage.approval, stage.workflow, stage.delegation].filter((part) => part !== undefined);
  if (kinds.length > 1) {
    const path = stage.delegation ? 'delegation' : 'workflow';
    problems.push({
      path: [path],
      message: 'a stage is one of an approval stage, a child workflow or a delegated stage',
    });
  }
  if (!stage.approval) return problems;
  if (stage.retries > 0) refuse(['retries'], 'retries');
  const approval = stage.approval;
  if (approval.roles.length === 0 && approval.users.length > 0 && approval.count > approval.users.length) {
    problems.push({
      path: ['approval', 'count'],
      message: `needs ${approval.count} approvals but names only ${approval.users.length} users`,
    });
  }
  const names = approval.inputs.map((input) => input.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined)
    problems.push({ path: ['approval', 'inputs'], message: `input "${repeated}" is repeated` });
  return problems;
}

/** What is wrong with a stage's matrix, matrixFrom and maxParallel. */
function matrixProblems(stage: WorkflowStage): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const isMatrix = stage.matrix.length > 0 || stage.matrixFrom !== undefined;
  if (!isMatrix) {
    if (stage.maxParallel !== undefined) {
      problems.push({ path: ['maxParallel'], message: 'applies only to a stage with matrix or matrixFrom' });
    }
    return problems;
  }
  if (stage.matrix.length > 0 && stage.matrixFrom !== undefined) {
    problems.push({ path: ['matrixFrom'], message: 'a stage takes matrix or matrixFrom, not both' });
  }
  if (containerlessKind(stage) !== undefined) {
    problems.push({ path: ['matrix'], message: 'an approval, child-workflow or delegated stage cannot fan out' });
  }
  const names = stage.matrix.map((axis) => axis.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) problems.push({ path: ['matrix'], message: `axis "${repeated}" is repeated` });
  const size = matrixSize(stage.matrix);
  if (size > MAX_MATRIX_COMBINATIONS) {
    problems.push({
      path: ['matrix'],
      message: `makes ${size} combinations; at most ${MAX_MATRIX_COMBINATIONS} are allowed`,
    });
  }
  if (stage.matrixFrom !== undefined) {
    const from = parseMatrixFrom(stage.matrixFrom);
    if (!from) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference, not a JS template
      problems.push({ path: ['matrixFrom'], message: 'must be ${stages.STAGE.outputs.KEY}' });
    } else if (!stage.dependsOn.includes(from.stage)) {
      problems.push({ path: ['matrixFrom'], message: `stage "${from.stage}" must be in dependsOn` });
    }
  }
  return problems;
}

/** Kubernetes quantities: cpu `500m`, `2`, `0.5`; memory `512Mi`, `2G`, `1048576`. */
const cpuQuantitySchema = z
  .string()
  .regex(/^\d+(\.\d+)?m?$/, { message: 'must be a cpu quantity like 500m, 1 or 2.5' });
const memoryQuantitySchema = z
  .string()
  .regex(/^\d+(\.\d+)?([KMGT]i|[kKMGT])?$/, { message: 'must be a memory quantity like 512Mi, 2Gi or 1G' });
const quantitiesSchema = z.object({ cpu: cpuQuantitySchema.optional(), memory: memoryQuantitySchema.optional() });

/**
 * A workflow's default requirements (the original Cyclone's Workflow `spec.resources`):
 * each stage gets those of its own workload container leaves unset (docs/workflows.md).
 */
export const workflowResourcesSchema = z.object({
  requests: quantitiesSchema.optional(),
  limits: quantitiesSchema.optional(),
});
export type WorkflowResources = z.infer<typeof workflowResourcesSchema>;

/** The content of one immutable workflow version. */
export const workflowSpecSchema = z.object({
  description: z.string().max(LIMITS.longTextLength).default(''),
  globalVariables: list(nameValueSchema).default([]),
  /** Default cpu and memory requests and limits of every stage; absent: none. */
  resources: workflowResourcesSchema.optional(),
  /** Runs keep their stages' build tool folders between runs (acceleration.ts); absent: off. */
  acceleration: z.boolean().optional(),
  stages: z
    .array(workflowStageSchema)
    .min(1)
    .max(LIMITS.stagesPerWorkflow)
    .superRefine((stages, ctx) => {
      stages.forEach((stage, index) => {
        for (const problem of matrixProblems(stage)) {
          ctx.addIssue({ code: 'custom', path: [index, ...problem.path], message: problem.message });
        }
        if (containerlessKind(stage) === undefined) {
          if (stage.image === '')
            ctx.addIssue({ code: 'custom', path: [index, 'image'], message: 'must not be empty' });
          for (const problem of stageCacheProblems(stage.caches)) {
            const message = `stage "${stage.name}": ${problem.message}`;
            ctx.addIssue({ code: 'custom', path: [index, ...problem.path], message });
          }
          for (const problem of serviceProblems(stage)) {
            ctx.addIssue({ code: 'custom', path: [index, ...problem.path], message: problem.message });
          }
          return;
        }
        for (const problem of containerlessProblems(stage)) {
          ctx.addIssue({ code: 'custom', path: [index, ...problem.path], message: problem.message });
        }
      });
    }),
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
