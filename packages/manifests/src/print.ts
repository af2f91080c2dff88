import {
  ACCELERATION_LABEL,
  type ResourceSpec,
  type ResourceTypeSpec,
  type StageApproval,
  type StageDelegation,
  type StageTemplateSpec,
  type TriggerSpec,
} from '@cyclone/domain';
import { stringify } from 'yaml';
import { encodeCaches } from './caches.js';
import { WORKLOAD_FIELDS } from './decode-stage.js';
import { encodeRunVolumes } from './run-volumes-yaml.js';
import { encodeServices } from './services-yaml.js';
import {
  ANNOTATIONS,
  API_VERSION,
  LABELS,
  type Manifest,
  type WorkflowManifestSpec,
  type WorkflowRunManifestSpec,
} from './types.js';
import { encodeWorkflowNotification } from './workflow-notification.js';
import { encodeWorkflowResources } from './workflow-resources.js';

type Json = Record<string, unknown>;

/**
 * Writes manifests as multi-document Cyclone YAML. Keys come in a fixed order and
 * free-form parts (the rest of a PodSpec) are sorted, so the same objects always
 * print as the same text, whatever order a database kept their keys in.
 */
export function printManifests(objects: readonly Manifest[]): string {
  return objects
    .map((manifest) => stringify(encode(manifest), { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

function encode(manifest: Manifest): Json {
  switch (manifest.kind) {
    case 'Resource':
      return envelope('Resource', { name: manifest.spec.name }, encodeResource(manifest.spec));
    case 'ResourceType':
      return envelope(
        'Resource',
        { name: manifest.spec.name, labels: { [LABELS.resourceType]: 'true' } },
        encodeResourceType(manifest.spec),
      );
    case 'Stage': {
      const { spec } = manifest;
      // A delegated stage runs no pod: its document says where the work goes instead.
      const work = spec.delegation ? { delegation: encodeDelegation(spec.delegation) } : { pod: encodePod(spec) };
      return envelope('Stage', stageMetadata(manifest), compact({ ...work, caches: encodeCaches(spec.caches) }));
    }
    case 'Workflow':
      return envelope(
        'Workflow',
        compact({
          name: manifest.spec.name,
          labels: manifest.spec.acceleration ? { [ACCELERATION_LABEL]: 'true' } : undefined,
          annotations: manifest.spec.description ? { [ANNOTATIONS.description]: manifest.spec.description } : undefined,
        }),
        encodeWorkflow(manifest.spec),
      );
    case 'WorkflowTrigger':
      return envelope(
        'WorkflowTrigger',
        { name: manifest.spec.name },
        encodeTrigger(manifest.spec, manifest.workflowRef),
      );
    case 'WorkflowRun':
      return envelope(
        'WorkflowRun',
        compact({
          name: manifest.spec.name,
          labels:
            manifest.spec.acceleration === undefined
              ? undefined
              : { [ACCELERATION_LABEL]: String(manifest.spec.acceleration) },
        }),
        encodeRun(manifest.spec),
      );
  }
}

function stageMetadata(manifest: Extract<Manifest, { kind: 'Stage' }>): Json {
  const { spec, template } = manifest;
  return compact({
    name: spec.name,
    labels: template && { [LABELS.template]: 'true', [LABELS.templateKind]: template.kind },
    annotations: compact({
      [ANNOTATIONS.description]: template?.description || undefined,
      [ANNOTATIONS.stageTemplate]: spec.template,
    }),
  });
}

function envelope(kind: string, metadata: Json, spec: Json): Json {
  return { apiVersion: API_VERSION, kind, metadata, spec };
}

/** Drops undefined values, empty lists and empty mappings. */
function compact(value: Json): Json {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => {
      if (v === undefined) return false;
      if (Array.isArray(v)) return v.length > 0;
      if (typeof v === 'object' && v !== null) return Object.keys(v).length > 0;
      return true;
    }),
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Json)[key])]),
  );
}

const nameValues = (items: readonly { name: string; value: string }[]) =>
  items.map((item) => ({ name: item.name, value: item.value }));

function encodeResource(spec: ResourceSpec): Json {
  return compact({
    type: spec.type,
    resolver: spec.resolver,
    integration: spec.integration,
    parameters: nameValues(spec.parameters),
    persistent: spec.persistent && compact({ ...spec.persistent }),
  });
}

/** A resource type in the original's form; parameters without a description or requirement print bare. */
function encodeResourceType(spec: ResourceTypeSpec): Json {
  return compact({
    type: spec.type,
    resolver: spec.resolver,
    operations: [...spec.operations],
    parameters: spec.parameters.map((p) =>
      compact({ name: p.name, required: p.required || undefined, description: p.description || undefined }),
    ),
    bind: spec.bind && { integrationType: spec.bind.integrationType, paramBindings: sortKeys(spec.bind.paramBindings) },
  });
}

/** `spec.delegation`; a free-form config prints with sorted keys, as the rest of a PodSpec does. */
function encodeDelegation(delegation: StageDelegation): Json {
  // Not compact(): a config of {} or [] is a value the external system is sent.
  const config = delegation.config === undefined ? {} : { config: sortKeys(delegation.config) };
  return { type: delegation.type, url: delegation.url, ...config };
}

/** A stage's pod; typed slots (templates only) print as `type`. */
function encodePod(spec: StageTemplateSpec): Json {
  const extras = (sortKeys(spec.podSpecExtras ?? {}) ?? {}) as Json;
  const [workloadExtras, ...otherContainers] = (extras.containers as Json[] | undefined) ?? [{}];
  const { name: containerName, ...workloadRest } = (workloadExtras ?? {}) as Json;
  const workload = {
    ...compact({
      name: containerName,
      image: spec.image,
      workingDir: spec.workingDir,
      command: spec.command,
      args: spec.args,
      env: nameValues(spec.env),
    }),
    ...Object.fromEntries(
      Object.entries(workloadRest).filter(([k]) => !(WORKLOAD_FIELDS as readonly string[]).includes(k)),
    ),
  };
  const { containers: _containers, ...podRest } = extras;
  return compact({
    inputs: compact({
      arguments: spec.inputs.arguments.map((a) =>
        compact({ name: a.name, value: a.value, description: a.description }),
      ),
      resources: spec.inputs.resources.map((r) => ({
        ...('name' in r ? { name: r.name } : { type: r.type }),
        path: r.path,
      })),
      artifacts: spec.inputs.artifacts.map((a) => ({ name: a.name, path: a.path })),
    }),
    outputs: compact({
      resources: spec.outputs.resources.map((r) =>
        compact({ ...('name' in r ? { name: r.name } : { type: r.type }), path: r.path }),
      ),
      artifacts: spec.outputs.artifacts.map((a) => ({ name: a.name, path: a.path })),
    }),
    spec: {
      ...podRest,
      ...(spec.services ? { services: encodeServices(spec.services) } : {}),
      containers: [workload, ...otherContainers],
    },
  });
}

function encodeWorkflow(spec: WorkflowManifestSpec): Json {
  return compact({
    globalVariables: nameValues(spec.globalVariables),
    // Always the spelling `spec.resources`, whichever one the applied file used.
    resources: encodeWorkflowResources(spec.resources),
    stages: spec.stages.map((stage) =>
      compact({
        name: stage.name,
        depends: stage.dependsOn,
        artifacts: stage.artifactSources.map((a) => ({ name: a.name, source: a.source })),
        trivial: stage.trivial ? true : undefined,
        timeout: stage.timeout,
        retries: stage.retries > 0 ? stage.retries : undefined,
        when: stage.when,
        finally: stage.finally ? true : undefined,
        caches: encodeCaches(stage.caches),
        approval: stage.approval && encodeApproval(stage.approval),
        workflow:
          stage.workflow && compact({ name: stage.workflow.name, parameters: nameValues(stage.workflow.parameters) }),
        matrix: stage.matrix.map((axis) => ({ name: axis.name, values: [...axis.values] })),
        matrixFrom: stage.matrixFrom,
        maxParallel: stage.maxParallel,
      }),
    ),
    executionContext: spec.executionCluster ? { cluster: spec.executionCluster } : undefined,
    notification: encodeWorkflowNotification(spec.notification),
  });
}

function encodeApproval(approval: StageApproval): Json {
  return compact({
    count: approval.count,
    roles: approval.roles,
    users: approval.users,
    timeout: approval.timeout,
    onTimeout: approval.onTimeout === 'SKIP' ? 'Skip' : undefined,
    inputs: approval.inputs.map((input) =>
      compact({ name: input.name, required: input.required ? true : undefined, description: input.description }),
    ),
  });
}

const TRIGGER_TYPE_TEXT: Record<TriggerSpec['type'], string> = { CRON: 'Cron', SCM: 'SCM', WEBHOOK: 'Webhook' };

const POLICY_TEXT: Record<TriggerSpec['concurrencyPolicy'], string> = {
  ALLOW: 'Allow',
  FORBID: 'Forbid',
  REPLACE: 'Replace',
};

function encodeTrigger(spec: TriggerSpec, workflowRef: string): Json {
  const scm = spec.scm;
  return compact({
    type: TRIGGER_TYPE_TEXT[spec.type],
    workflowRef: { name: workflowRef },
    cron:
      spec.cron !== undefined
        ? {
            schedule: spec.cron,
            ...compact({
              timezone: spec.timezone,
              concurrencyPolicy: spec.concurrencyPolicy === 'ALLOW' ? undefined : POLICY_TEXT[spec.concurrencyPolicy],
              startingDeadlineSeconds: spec.startingDeadlineSeconds,
            }),
          }
        : undefined,
    scm: scm && {
      secret: scm.integration,
      repo: scm.repo,
      ...compact({
        push: scm.push && { enabled: true, ...compact({ branches: scm.push.branches }) },
        tagRelease: scm.tagRelease ? { enabled: true } : undefined,
        pullRequest: scm.pullRequest && { enabled: true, ...compact({ branches: scm.pullRequest.branches }) },
        pullRequestComment: scm.pullRequestComment && {
          enabled: true,
          ...compact({ comments: scm.pullRequestComment.comments, users: scm.pullRequestComment.users }),
        },
        workflowFromRevision: scm.workflowFromRevision ? true : undefined,
      }),
    },
    parameters: nameValues(spec.parameters),
    disabled: spec.enabled ? undefined : true,
  });
}

function encodeRun(spec: WorkflowRunManifestSpec): Json {
  return compact({
    workflowRef: { name: spec.workflowRef },
    timeout: spec.timeout,
    stages: spec.stages.map((s) => compact({ name: s.name, parameters: nameValues(s.parameters) })),
    resources: spec.resources.map((r) => compact({ name: r.name, parameters: nameValues(r.parameters) })),
    globalVariables: nameValues(spec.globalVariables),
    executionContext: spec.executionCluster ? { cluster: spec.executionCluster } : undefined,
    startStages: spec.startStages,
    endStages: spec.endStages,
    serviceAccount: spec.serviceAccount,
    volumes: encodeRunVolumes(spec.volumes),
  });
}
