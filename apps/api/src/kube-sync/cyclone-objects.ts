import { type ResourceSpec, type StageDefinition, type TriggerSpec, type WorkflowSpec } from '@cyclone/domain';
import { CYCLONE_API_VERSION, type KubernetesObject, loadAllYaml } from '@cyclone/k8s';
import { type Manifest, printManifests, splitWorkflow } from '@cyclone/manifests';
import { managedLabels, type OwnerNames, type SyncObjectType } from './labels.js';

/** Reference to the object that owns another; its uid is known only once it is applied. */
export interface OwnerKey {
  kind: string;
  namespace: string;
  name: string;
}

export interface DesiredObject {
  object: KubernetesObject & { spec?: unknown; data?: Record<string, string> };
  owner?: OwnerKey;
}

/**
 * Custom-resource names in a tenant namespace. Names are unique per project (and
 * per workflow for its stages and triggers), and DNS labels hold no dots, so
 * `<project>.<name>` and `<project>.<workflow>.<name>` never collide.
 */
export const crNames = {
  project: (project: string) => project,
  inProject: (project: string, name: string) => `${project}.${name}`,
  inWorkflow: (project: string, workflow: string, name: string) => `${project}.${workflow}.${name}`,
};

interface Scope {
  instance: string;
  namespace: string;
  owner: OwnerNames;
}

/** The Cyclone YAML document of a manifest, as an object: the CR spec matches docs/contract.md §3. */
function toDocument(manifest: Manifest): { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  const [document] = loadAllYaml(printManifests([manifest])) as {
    metadata: Record<string, unknown>;
    spec: Record<string, unknown>;
  }[];
  if (!document) throw new Error(`cannot encode ${manifest.kind}`);
  return document;
}

function customResource(
  kind: string,
  name: string,
  type: SyncObjectType,
  id: string,
  scope: Scope,
  document: { metadata?: Record<string, unknown>; spec: Record<string, unknown> },
  extraAnnotations: Record<string, string> = {},
): KubernetesObject & { spec: unknown } {
  const metadata = document.metadata ?? {};
  const annotations = { ...((metadata.annotations as Record<string, string>) ?? {}), ...extraAnnotations };
  return {
    apiVersion: CYCLONE_API_VERSION,
    kind,
    metadata: {
      name,
      namespace: scope.namespace,
      labels: {
        ...((metadata.labels as Record<string, string>) ?? {}),
        ...managedLabels(scope.instance, type, id, scope.owner),
      },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: document.spec,
  };
}

export function projectObject(row: { id: string; name: string; description: string }, scope: Scope): DesiredObject {
  return {
    object: customResource('Project', crNames.project(row.name), 'project', row.id, scope, {
      spec: row.description ? { description: row.description } : {},
    }),
  };
}

const projectOwner = (scope: Scope): OwnerKey => ({
  kind: 'Project',
  namespace: scope.namespace,
  name: crNames.project(scope.owner.project as string),
});

export function resourceObject(id: string, spec: ResourceSpec, scope: Scope): DesiredObject {
  const name = crNames.inProject(scope.owner.project as string, spec.name);
  return {
    object: customResource('Resource', name, 'resource', id, scope, toDocument({ kind: 'Resource', spec })),
    owner: projectOwner(scope),
  };
}

export function stageObject(id: string, spec: StageDefinition, scope: Scope): DesiredObject {
  const name = crNames.inProject(scope.owner.project as string, spec.name);
  return {
    object: customResource('Stage', name, 'stage', id, scope, toDocument({ kind: 'Stage', spec })),
    owner: projectOwner(scope),
  };
}

/**
 * A workflow's current version: the Workflow (graph, global variables) and one
 * Stage per stage definition, owned by the Workflow.
 */
export function workflowObjects(
  row: { id: string; name: string; currentVersion: number },
  spec: WorkflowSpec,
  scope: Scope,
): DesiredObject[] {
  const project = scope.owner.project as string;
  const { workflow, stages } = splitWorkflow(row.name, spec);
  const stageScope = { ...scope, owner: { ...scope.owner, workflow: row.name } };
  const workflowName = crNames.inProject(project, row.name);
  const version = { 'cyclone.dev/version': String(row.currentVersion) };
  return [
    {
      object: customResource(
        'Workflow',
        workflowName,
        'workflow',
        row.id,
        stageScope,
        toDocument({ kind: 'Workflow', spec: workflow }),
        version,
      ),
      owner: projectOwner(scope),
    },
    ...stages.map((stage) => ({
      object: customResource(
        'Stage',
        crNames.inWorkflow(project, row.name, stage.name),
        'workflow',
        row.id,
        stageScope,
        toDocument({ kind: 'Stage', spec: stage }),
        version,
      ),
      owner: { kind: 'Workflow', namespace: scope.namespace, name: workflowName },
    })),
  ];
}

export function triggerObject(id: string, spec: TriggerSpec, workflow: string, scope: Scope): DesiredObject {
  const project = scope.owner.project as string;
  const document = toDocument({ kind: 'WorkflowTrigger', spec, workflowRef: workflow });
  // In the namespace the workflow is `<project>.<workflow>`.
  (document.spec.workflowRef as { name: string }).name = crNames.inProject(project, workflow);
  return {
    object: customResource(
      'WorkflowTrigger',
      crNames.inWorkflow(project, workflow, spec.name),
      'trigger',
      id,
      { ...scope, owner: { ...scope.owner, workflow } },
      document,
    ),
    owner: { kind: 'Workflow', namespace: scope.namespace, name: crNames.inProject(project, workflow) },
  };
}

/** Secret name of an integration in a tenant namespace. */
export const integrationSecretName = (integration: string) => `integration-${integration}`;

/**
 * An integration as an Opaque Secret for the pods that use it: its secret fields
 * and its plain-text settings (server, username, …), one key each.
 */
export function integrationSecret(
  row: { id: string; name: string; type: string; config: unknown },
  secret: Record<string, string>,
  scope: Scope,
): DesiredObject {
  const settings = Object.fromEntries(
    Object.entries((row.config as Record<string, unknown>) ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const data = Object.fromEntries(
    Object.entries({ ...settings, ...secret }).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
  );
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: integrationSecretName(row.name),
        namespace: scope.namespace,
        labels: managedLabels(scope.instance, 'integration', row.id, scope.owner),
        annotations: { 'cyclone.dev/integration-type': row.type },
      },
      data,
    } as DesiredObject['object'],
  };
}
