import {
  ACCELERATION_LABEL,
  dnsLabelSchema,
  durationTextSchema,
  nameValueSchema,
  type TriggerSpec,
  triggerSpecSchema,
  workflowSpecSchema,
  workflowStageSchema,
} from '@cyclone/domain';
import { decodeCaches, reportCacheProblems } from './caches.js';
import type { FieldReader, Obj } from './fields.js';
import { decodeRunVolumes } from './run-volumes-yaml.js';
import { ANNOTATIONS, type WorkflowManifestSpec, type WorkflowRunManifestSpec } from './types.js';
import { readWorkflowNotification } from './workflow-notification.js';
import { readWorkflowResources } from './workflow-resources.js';
import { reportIssues } from './zod-paths.js';

const stageRefSchema = workflowStageSchema.pick({
  name: true,
  dependsOn: true,
  artifactSources: true,
  trivial: true,
  timeout: true,
  retries: true,
  when: true,
  finally: true,
  approval: true,
  workflow: true,
  caches: true,
  matrix: true,
  matrixFrom: true,
  maxParallel: true,
});
const workflowHeadSchema = workflowSpecSchema.pick({ description: true, globalVariables: true, resources: true });

export function decodeWorkflow(r: FieldReader, doc: Obj, base: string, name: string): WorkflowManifestSpec | undefined {
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (!spec) return undefined;
  const p = `${base}.spec`;
  const annotations = r.object(r.object(doc.metadata, `${base}.metadata`)?.annotations, `${base}.metadata.annotations`);
  const acceleration = accelerationLabel(r, doc, base);
  const resources = readWorkflowResources(r, spec, p);
  const head = workflowHeadSchema.safeParse({
    description: r.string(annotations, ANNOTATIONS.description, `${base}.metadata.annotations`) ?? '',
    globalVariables: r.nameValues(spec, 'globalVariables', p),
    ...(resources.value ? { resources: resources.value } : {}),
  });
  if (!head.success) {
    reportIssues(r, base, head.error.issues, {
      description: `metadata.annotations.${ANNOTATIONS.description}`,
      resources: resources.place,
    });
  }
  const items = r.objects(spec, 'stages', p);
  if (spec.stages === undefined || (Array.isArray(spec.stages) && spec.stages.length === 0)) {
    r.fail(`${p}.stages`, 'needs at least one stage');
  }
  const stages = items.map(({ item, path }) => {
    const parsed = stageRefSchema.safeParse({
      name: r.string(item, 'name', path, true),
      dependsOn: r.strings(item, 'depends', path),
      artifactSources: r.objects(item, 'artifacts', path).map((a) => ({
        name: r.string(a.item, 'name', a.path, true),
        source: r.string(a.item, 'source', a.path, true),
      })),
      trivial: r.boolean(item, 'trivial', path),
      timeout: r.string(item, 'timeout', path),
      retries: r.integer(item, 'retries', path),
      when: r.string(item, 'when', path),
      finally: r.boolean(item, 'finally', path),
      approval: approvalOf(r, item, path),
      workflow: childWorkflowOf(r, item, path),
      caches: decodeCaches(r, item, path),
      matrix: r.objects(item, 'matrix', path).map((axis) => ({
        name: r.string(axis.item, 'name', axis.path, true),
        values: r.strings(axis.item, 'values', axis.path),
      })),
      matrixFrom: r.string(item, 'matrixFrom', path),
      maxParallel: r.integer(item, 'maxParallel', path),
    });
    if (!parsed.success) {
      const relative = path.slice(base.length + 1);
      reportIssues(r, base, parsed.error.issues, {
        name: `${relative}.name`,
        dependsOn: `${relative}.depends`,
        artifactSources: `${relative}.artifacts`,
        trivial: `${relative}.trivial`,
        timeout: `${relative}.timeout`,
        retries: `${relative}.retries`,
        when: `${relative}.when`,
        finally: `${relative}.finally`,
        approval: `${relative}.approval`,
        workflow: `${relative}.workflow`,
        caches: `${relative}.caches`,
        matrix: `${relative}.matrix`,
        matrixFrom: `${relative}.matrixFrom`,
        maxParallel: `${relative}.maxParallel`,
      });
      return undefined;
    }
    if (reportCacheProblems(r, path, parsed.data.name, parsed.data.caches)) return undefined;
    const { caches, ...ref } = parsed.data;
    return caches ? { ...ref, caches } : ref;
  });
  const context = executionContextOf(r, spec, p);
  const cluster = executionClusterOf(r, context, p);
  const notification = readWorkflowNotification(r, spec, p);
  if (
    !head.success ||
    resources.refused ||
    notification.refused ||
    stages.some((s) => s === undefined) ||
    stages.length === 0
  ) {
    return undefined;
  }
  return {
    name,
    ...head.data,
    ...(acceleration ? { acceleration } : {}),
    stages: stages.filter((s) => s !== undefined),
    ...(cluster ? { executionCluster: cluster } : {}),
    ...(notification.value ? { notification: notification.value } : {}),
  };
}

const TIMEOUT_ACTIONS: Record<string, 'FAIL' | 'SKIP'> = { fail: 'FAIL', skip: 'SKIP' };

/** `approval: {count, roles, users, timeout, onTimeout: Fail | Skip, inputs}`: the stage is an approval gate. */
function approvalOf(r: FieldReader, item: Obj, path: string) {
  const approval = r.object(item.approval, `${path}.approval`);
  if (!approval) return undefined;
  const p = `${path}.approval`;
  const onTimeoutText = r.string(approval, 'onTimeout', p);
  const onTimeout = onTimeoutText === undefined ? undefined : TIMEOUT_ACTIONS[onTimeoutText.toLowerCase()];
  if (onTimeoutText !== undefined && !onTimeout) r.fail(`${p}.onTimeout`, 'must be Fail or Skip');
  return {
    count: r.integer(approval, 'count', p),
    roles: r.strings(approval, 'roles', p),
    users: r.strings(approval, 'users', p),
    timeout: r.string(approval, 'timeout', p),
    onTimeout,
    inputs: r.objects(approval, 'inputs', p).map((input) => ({
      name: r.string(input.item, 'name', input.path, true),
      required: r.boolean(input.item, 'required', input.path),
      description: r.string(input.item, 'description', input.path),
    })),
  };
}

/** `workflow: {name, parameters}`: the stage runs another workflow of the project. */
function childWorkflowOf(r: FieldReader, item: Obj, path: string) {
  const child = r.object(item.workflow, `${path}.workflow`);
  if (!child) return undefined;
  const p = `${path}.workflow`;
  return { name: r.string(child, 'name', p, true), parameters: r.nameValues(child, 'parameters', p) };
}

/** Where Cyclone's documents say they run (`executionContext`); only the cluster is taken. */
/** `spec.executionContext`, read once (its fields are read by what uses them). */
function executionContextOf(r: FieldReader, spec: Obj, p: string): Obj | undefined {
  return r.object(spec.executionContext, `${p}.executionContext`);
}

function executionClusterOf(r: FieldReader, context: Obj | undefined, p: string): string | undefined {
  return context ? r.string(context, 'cluster', `${p}.executionContext`) : undefined;
}

const TRIGGER_TYPE_NAMES: Record<string, TriggerSpec['type']> = {
  cron: 'CRON',
  scm: 'SCM',
  webhook: 'WEBHOOK',
};

export function decodeTrigger(
  r: FieldReader,
  doc: Obj,
  base: string,
  name: string,
): { spec: TriggerSpec; workflowRef: string } | undefined {
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (!spec) return undefined;
  const p = `${base}.spec`;
  const typeText = r.string(spec, 'type', p, true);
  const type = typeText === undefined ? undefined : TRIGGER_TYPE_NAMES[typeText.toLowerCase()];
  if (typeText !== undefined && !type) r.fail(`${p}.type`, 'must be one of Cron, SCM, Webhook');
  const workflowRef = workflowRefName(r, spec, p);
  const cron = r.object(spec.cron, `${p}.cron`, type === 'CRON');
  const scm = r.object(spec.scm, `${p}.scm`, type === 'SCM');
  const s = `${p}.scm`;
  const candidate = {
    name,
    type,
    cron: r.string(cron, 'schedule', `${p}.cron`, type === 'CRON'),
    timezone: r.string(cron, 'timezone', `${p}.cron`),
    concurrencyPolicy: concurrencyPolicy(r, cron, `${p}.cron`),
    startingDeadlineSeconds: r.integer(cron, 'startingDeadlineSeconds', `${p}.cron`),
    scm: scm && {
      integration: r.string(scm, 'secret', s, true),
      repo: r.string(scm, 'repo', s, true),
      push: branchPolicy(r, scm, 'push', s, 'branches'),
      tagRelease: switchPolicy(r, scm, 'tagRelease', s),
      pullRequest: branchPolicy(r, scm, 'pullRequest', s, 'branches'),
      pullRequestComment: commentPolicy(r, scm, s),
      workflowFromRevision: r.boolean(scm, 'workflowFromRevision', s),
    },
    parameters: [...r.nameValues(spec, 'parameters', p), ...presetParameters(r, spec, p)],
    enabled: !(r.boolean(spec, 'disabled', p) ?? false),
  };
  const parsed = triggerSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    // SCM's `secret` names the integration (in Cyclone, the secret holding the SCM token).
    const issues = parsed.error.issues.map((issue) =>
      issue.path[0] === 'scm' && issue.path[1] === 'integration'
        ? { ...issue, path: ['scm', 'secret', ...issue.path.slice(2)] }
        : issue,
    );
    reportIssues(r, base, issues, {
      name: 'metadata.name',
      cron: 'spec.cron.schedule',
      timezone: 'spec.cron.timezone',
      enabled: 'spec.disabled',
      startingDeadlineSeconds: 'spec.cron.startingDeadlineSeconds',
    });
    return undefined;
  }
  if (workflowRef === undefined || !type) return undefined;
  return { spec: parsed.data, workflowRef };
}

/**
 * The run settings the original inlines into a trigger (its WorkflowRun preset), as the
 * run parameters they are in this Cyclone: `globalVariables` → `variables.NAME`,
 * `stages[].parameters` → `stages.<stage>.NAME`, `resources[].parameters` →
 * `resources.<resource>.NAME` (as a WorkflowRun document's).
 */
function presetParameters(r: FieldReader, spec: Obj, path: string): { name: string; value: string }[] {
  const variables = r.nameValues(spec, 'globalVariables', path).map((v) => ({ ...v, name: `variables.${v.name}` }));
  const scoped = (key: 'stages' | 'resources') =>
    r.objects(spec, key, path).flatMap(({ item, path: at }) => {
      const name = r.string(item, 'name', at, true) ?? '';
      return r.nameValues(item, 'parameters', at).map((v) => ({ ...v, name: `${key}.${name}.${v.name}` }));
    });
  return [...variables, ...scoped('stages'), ...scoped('resources')];
}

/** `cron.concurrencyPolicy: Allow | Forbid | Replace` (Kubernetes CronJob spelling); absent = Allow. */
function concurrencyPolicy(r: FieldReader, cron: Obj | undefined, path: string): string | undefined {
  const text = r.string(cron, 'concurrencyPolicy', path);
  if (text === undefined) return undefined;
  const policy = text.toUpperCase();
  if (!['ALLOW', 'FORBID', 'REPLACE'].includes(policy)) {
    r.fail(`${path}.concurrencyPolicy`, 'must be one of Allow, Forbid, Replace');
    return undefined;
  }
  return policy;
}

/** `push: {enabled?, branches}`: absent or `enabled: false` means off. */
function branchPolicy<K extends 'branches' | 'comments'>(
  r: FieldReader,
  scm: Obj,
  key: string,
  path: string,
  listKey: K,
) {
  const policy = r.object(scm[key], `${path}.${key}`);
  if (!policy || r.boolean(policy, 'enabled', `${path}.${key}`) === false) return undefined;
  return { [listKey]: r.strings(policy, listKey, `${path}.${key}`) } as Record<K, string[]>;
}

/** `pullRequestComment: {comments, users}`: `users` may start runs by commenting besides those with write access. */
function commentPolicy(r: FieldReader, scm: Obj, path: string) {
  const policy = branchPolicy(r, scm, 'pullRequestComment', path, 'comments');
  if (!policy) return undefined;
  const users = r.strings(
    r.object(scm.pullRequestComment, `${path}.pullRequestComment`) as Obj,
    'users',
    `${path}.pullRequestComment`,
  );
  return { ...policy, users };
}

/** `tagRelease: true` or Cyclone's `tagRelease: {enabled: true}`. */
function switchPolicy(r: FieldReader, scm: Obj, key: string, path: string): boolean {
  const value = scm[key];
  if (typeof value === 'boolean') return value;
  const policy = r.object(value, `${path}.${key}`);
  return r.boolean(policy, 'enabled', `${path}.${key}`) ?? policy !== undefined;
}

function workflowRefName(r: FieldReader, spec: Obj, p: string): string | undefined {
  const ref = r.object(spec.workflowRef, `${p}.workflowRef`, true);
  const name = r.string(ref, 'name', `${p}.workflowRef`, ref !== undefined);
  if (name === undefined) return undefined;
  const parsed = dnsLabelSchema.safeParse(name);
  if (!parsed.success) {
    r.fail(`${p}.workflowRef.name`, parsed.error.issues[0]?.message ?? 'invalid');
    return undefined;
  }
  return name;
}

export function decodeWorkflowRun(
  r: FieldReader,
  doc: Obj,
  base: string,
  name: string,
): WorkflowRunManifestSpec | undefined {
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (!spec) return undefined;
  const p = `${base}.spec`;
  const workflowRef = workflowRefName(r, spec, p);
  const timeout = r.string(spec, 'timeout', p);
  const acceleration = accelerationLabel(r, doc, base);
  if (timeout !== undefined) {
    const parsed = durationTextSchema.safeParse(timeout);
    if (!parsed.success) r.fail(`${p}.timeout`, parsed.error.issues[0]?.message ?? 'invalid');
  }
  const withParameters = (key: string) =>
    r.objects(spec, key, p).map(({ item, path }) => {
      const itemName = r.string(item, 'name', path, true) ?? '';
      const parameters = r.nameValues(item, 'parameters', path);
      parameters.forEach((parameter, index) => {
        const parsed = nameValueSchema.safeParse(parameter);
        if (!parsed.success) r.fail(`${path}.parameters[${index}]`, parsed.error.issues[0]?.message ?? 'invalid');
      });
      return { name: itemName, parameters };
    });
  const stages = withParameters('stages');
  const resources = withParameters('resources');
  const globalVariables = r.nameValues(spec, 'globalVariables', p);
  globalVariables.forEach((variable, index) => {
    const parsed = nameValueSchema.safeParse(variable);
    if (!parsed.success) r.fail(`${p}.globalVariables[${index}]`, parsed.error.issues[0]?.message ?? 'invalid');
  });
  const context = executionContextOf(r, spec, p);
  const cluster = executionClusterOf(r, context, p);
  const startStages = r.strings(spec, 'startStages', p);
  const endStages = r.strings(spec, 'endStages', p);
  for (const [key, names] of [
    ['startStages', startStages],
    ['endStages', endStages],
  ] as const) {
    names.forEach((stage, index) => {
      if (!dnsLabelSchema.safeParse(stage).success) r.fail(`${p}.${key}[${index}]`, 'must be a stage name');
    });
  }
  const volumes = decodeRunVolumes(r, spec, p, context ? r.string(context, 'pvc', `${p}.executionContext`) : undefined);
  const serviceAccount = r.string(spec, 'serviceAccount', p);
  if (serviceAccount !== undefined && !dnsLabelSchema.safeParse(serviceAccount).success) {
    r.fail(`${p}.serviceAccount`, 'must be a service account name (a DNS label)');
  }
  if (workflowRef === undefined) return undefined;
  return {
    name,
    workflowRef,
    ...(timeout !== undefined ? { timeout } : {}),
    stages,
    resources,
    globalVariables,
    ...(cluster ? { executionCluster: cluster } : {}),
    startStages,
    endStages,
    ...(acceleration !== undefined ? { acceleration } : {}),
    ...(serviceAccount ? { serviceAccount } : {}),
    volumes,
  };
}

/** The label `workflowrun.cyclone.dev/acceleration` of a Workflow or WorkflowRun: true, false or absent. */
export function accelerationLabel(r: FieldReader, doc: Obj, base: string): boolean | undefined {
  const labels = r.object(r.object(doc.metadata, `${base}.metadata`)?.labels, `${base}.metadata.labels`);
  const value = labels?.[ACCELERATION_LABEL];
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  r.fail(`${base}.metadata.labels["${ACCELERATION_LABEL}"]`, 'must be "true" or "false"');
  return undefined;
}
