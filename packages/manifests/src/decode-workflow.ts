import {
  dnsLabelSchema,
  durationTextSchema,
  nameValueSchema,
  type TriggerSpec,
  triggerSpecSchema,
  workflowSpecSchema,
  workflowStageSchema,
} from '@cyclone/domain';
import type { FieldReader, Obj } from './fields.js';
import { ANNOTATIONS, type WorkflowManifestSpec, type WorkflowRunManifestSpec } from './types.js';
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
});
const workflowHeadSchema = workflowSpecSchema.pick({ description: true, globalVariables: true });

export function decodeWorkflow(r: FieldReader, doc: Obj, base: string, name: string): WorkflowManifestSpec | undefined {
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (!spec) return undefined;
  const p = `${base}.spec`;
  const annotations = r.object(r.object(doc.metadata, `${base}.metadata`)?.annotations, `${base}.metadata.annotations`);
  const head = workflowHeadSchema.safeParse({
    description: r.string(annotations, ANNOTATIONS.description, `${base}.metadata.annotations`) ?? '',
    globalVariables: r.nameValues(spec, 'globalVariables', p),
  });
  if (!head.success) {
    reportIssues(r, base, head.error.issues, { description: `metadata.annotations.${ANNOTATIONS.description}` });
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
      });
      return undefined;
    }
    return parsed.data;
  });
  const cluster = executionClusterOf(r, spec, p);
  if (!head.success || stages.some((s) => s === undefined) || stages.length === 0) return undefined;
  return {
    name,
    ...head.data,
    stages: stages.filter((s) => s !== undefined),
    ...(cluster ? { executionCluster: cluster } : {}),
  };
}

/** Where Cyclone's documents say they run (`executionContext`); only the cluster is taken. */
function executionClusterOf(r: FieldReader, spec: Obj, p: string): string | undefined {
  const context = r.object(spec.executionContext, `${p}.executionContext`);
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
    parameters: r.nameValues(spec, 'parameters', p),
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
  const cluster = executionClusterOf(r, spec, p);
  if (workflowRef === undefined) return undefined;
  return {
    name,
    workflowRef,
    ...(timeout !== undefined ? { timeout } : {}),
    stages,
    resources,
    ...(cluster ? { executionCluster: cluster } : {}),
  };
}
