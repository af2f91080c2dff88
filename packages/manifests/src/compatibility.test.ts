import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatManifestError, type Manifest, parseManifests } from './index.js';

/**
 * Walks docs/compatibility.md against the decoder: every row sets one field of a small
 * valid document to the row's sample and checks that the decoder does what the row says.
 */

const STATUSES = ['supported', 'mapped', 'ignored (dropped)', 'ignored (kept)', 'refused'] as const;
type Status = (typeof STATUSES)[number];

interface Row {
  section: string;
  kind: string;
  field: string;
  sample: unknown;
  sampleText: string;
  status: Status;
  error: string;
  line: number;
}

const DOC = new URL('../../../docs/compatibility.md', import.meta.url);

/** The text inside the backticks of a cell, or '' for an empty cell. */
function code(cell: string, where: string): string {
  const trimmed = cell.trim();
  if (trimmed === '') return '';
  const match = /^`(.*)`$/.exec(trimmed);
  if (!match) throw new Error(`${where}: expected a single \`code\` cell, got ${trimmed}`);
  return match[1] ?? '';
}

function readTable(text: string): Row[] {
  const rows: Row[] = [];
  let section = '';
  text.split('\n').forEach((line, index) => {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1]?.trim() ?? '';
    if (!line.startsWith('|') || line.startsWith('| Kind ') || line.startsWith('| ---')) return;
    const where = `docs/compatibility.md:${index + 1}`;
    const cells = line.split('|').slice(1, -1);
    if (cells.length !== 6) throw new Error(`${where}: a row has 6 cells, this one ${cells.length}`);
    const [kind, field, sample, status, , error] = cells.map((c) => c.trim()) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!(STATUSES as readonly string[]).includes(status)) throw new Error(`${where}: unknown status ${status}`);
    const sampleText = code(sample, where);
    rows.push({
      section,
      kind,
      field: code(field, where),
      sample: parse(sampleText),
      sampleText,
      status: status as Status,
      error: code(error, where),
      line: index + 1,
    });
  });
  return rows;
}

const ROWS = readTable(readFileSync(DOC, 'utf8'));

const READ_KINDS = ['Resource', 'Stage', 'Workflow', 'WorkflowTrigger', 'WorkflowRun'] as const;
const ALL_KINDS = [...READ_KINDS, 'ExecutionCluster', 'Project'] as const;

// The original's types (pkg/apis/cyclone/v1alpha1 at 7f22bb2; PodSpec and Container of
// the Kubernetes API it vendors): every field must have a row.
const OBJECT_META = [
  'name',
  'namespace',
  'labels',
  'annotations',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'clusterName',
  'managedFields',
  'selfLink',
].map((f) => `metadata.${f}`);
const POD_SPEC = (
  'volumes initContainers containers ephemeralContainers restartPolicy terminationGracePeriodSeconds ' +
  'activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken ' +
  'nodeName hostNetwork hostPID hostIPC shareProcessNamespace securityContext imagePullSecrets hostname ' +
  'subdomain affinity schedulerName tolerations hostAliases priorityClassName priority dnsConfig ' +
  'readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints ' +
  'setHostnameAsFQDN'
)
  .split(' ')
  .map((f) => `spec.pod.spec.${f}`);
const CONTAINER = (
  'name image command args workingDir ports envFrom env resources volumeMounts volumeDevices livenessProbe ' +
  'readinessProbe startupProbe lifecycle terminationMessagePath terminationMessagePolicy imagePullPolicy ' +
  'securityContext stdin stdinOnce tty'
)
  .split(' ')
  .map((f) => `spec.pod.spec.containers[0].${f}`);
const PARAMETER_ITEM = ['name', 'value', 'description', 'required'];
const OBJECT_REFERENCE = ['name', 'kind', 'namespace', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map(
  (f) => `spec.workflowRef.${f}`,
);
const RUN_SPEC = [
  ...OBJECT_REFERENCE,
  'spec.startStages',
  'spec.endStages',
  'spec.timeout',
  'spec.serviceAccount',
  'spec.resources',
  'spec.stages',
  'spec.executionContext',
  'spec.volumes',
  'spec.globalVariables',
];

const UPSTREAM_FIELDS: Record<(typeof ALL_KINDS)[number], string[]> = {
  Resource: [
    'spec.resolver',
    'spec.type',
    'spec.parameters',
    ...PARAMETER_ITEM.map((f) => `spec.parameters[0].${f}`),
    'spec.persistent.pvc',
    'spec.persistent.path',
    'spec.persistent.pullPolicy',
    'spec.operations',
    'spec.bind.integrationType',
    'spec.bind.paramBindings',
  ],
  Stage: [
    'spec.pod',
    ...['name', 'type', 'path'].map((f) => `spec.pod.inputs.resources[0].${f}`),
    ...PARAMETER_ITEM.map((f) => `spec.pod.inputs.arguments[0].${f}`),
    ...['name', 'path', 'source'].map((f) => `spec.pod.inputs.artifacts[0].${f}`),
    ...['name', 'type', 'path'].map((f) => `spec.pod.outputs.resources[0].${f}`),
    ...['name', 'path', 'source'].map((f) => `spec.pod.outputs.artifacts[0].${f}`),
    'spec.pod.spec',
    ...POD_SPEC,
    ...CONTAINER,
    'spec.pod.metadata.labels',
    'spec.pod.metadata.annotations',
    'spec.delegation.type',
    'spec.delegation.url',
    'spec.delegation.config',
  ],
  Workflow: [
    'spec.Resources',
    'spec.stages',
    'spec.stages[0].name',
    'spec.stages[0].artifacts',
    ...['name', 'path', 'source'].map((f) => `spec.stages[0].artifacts[0].${f}`),
    'spec.stages[0].depends',
    'spec.stages[0].trivial',
    'spec.notification.policy',
    'spec.notification.receivers',
    'spec.notification.receivers[0].type',
    'spec.notification.receivers[0].addresses',
    'spec.globalVariables',
    'spec.globalVariables[0].name',
    'spec.globalVariables[0].value',
  ],
  WorkflowTrigger: [
    'spec.type',
    'spec.parameters',
    ...PARAMETER_ITEM.map((f) => `spec.parameters[0].${f}`),
    'spec.cron.schedule',
    'spec.disabled',
    'spec.scm.secret',
    'spec.scm.repo',
    'spec.scm.push.enabled',
    'spec.scm.push.branches',
    'spec.scm.tagRelease.enabled',
    'spec.scm.pullRequest.enabled',
    'spec.scm.pullRequest.branches',
    'spec.scm.pullRequestComment.enabled',
    'spec.scm.pullRequestComment.comments',
    'spec.scm.postCommit.enabled',
    'spec.scm.postCommit.rootURL',
    'spec.scm.postCommit.workflowURL',
    ...RUN_SPEC,
    'status.count',
  ],
  WorkflowRun: [
    ...RUN_SPEC,
    'spec.stages[0].name',
    'spec.stages[0].parameters',
    ...PARAMETER_ITEM.map((f) => `spec.stages[0].parameters[0].${f}`),
    'spec.resources[0].name',
    'spec.resources[0].parameters',
    ...PARAMETER_ITEM.map((f) => `spec.resources[0].parameters[0].${f}`),
    'spec.executionContext.cluster',
    'spec.executionContext.namespace',
    'spec.executionContext.pvc',
    ...['type', 'path', 'mountPath'].map((f) => `spec.volumes[0].${f}`),
    'spec.volumes[0].subPath',
    'spec.volumes[0].objectName',
    'spec.volumes[0].containerGroup',
    'status.stages',
    'status.overall',
    'status.cleaned',
    'status.notifications',
  ].filter((f) => f !== 'spec.executionContext'),
  ExecutionCluster: [
    'spec.credential.server',
    'spec.credential.user',
    'spec.credential.password',
    'spec.credential.bearerToken',
    'spec.credential.tlsClientConfig.insecure',
    'spec.credential.tlsClientConfig.caFile',
    'spec.credential.tlsClientConfig.caData',
    'spec.credential.kubeConfig',
  ],
  Project: [
    'spec.integrations',
    'spec.integrations[0].type',
    'spec.integrations[0].name',
    'spec.quota',
    'status.workflowCount',
  ],
};

const COMMON_FIELDS = ['apiVersion', 'kind', ...OBJECT_META];

const head = (kind: string, name: string) => ({ apiVersion: 'cyclone.dev/v1alpha1', kind, metadata: { name } });

const STAGE_POD = {
  inputs: {
    resources: [{ name: 'src', path: '/workspace/src' }],
    arguments: [{ name: 'FLAGS', value: '-v' }],
    artifacts: [{ name: 'bin', path: '/workspace/bin' }],
  },
  outputs: {
    resources: [{ name: 'img' }],
    artifacts: [{ name: 'out', path: '/workspace/out' }],
  },
  spec: { containers: [{ name: 'main', image: 'alpine:3.20' }] },
};

/** A small valid document of the kind, with one of each list item the rows set fields of. */
function base(row: Row, kind: string): Record<string, unknown> {
  switch (kind) {
    case 'Resource':
      if (row.section.startsWith('Resource type')) {
        return {
          ...head(kind, 'maven-type'),
          metadata: { name: 'maven-type', labels: { 'resource.cyclone.dev/template': 'true' } },
          spec: {
            type: 'Maven',
            resolver: 'registry.example.com/resolvers/maven:v1',
            operations: ['pull'],
            parameters: [{ name: 'REPO_URL', required: true, description: 'where the artifacts are' }],
            bind: { integrationType: 'General', paramBindings: {} },
          },
        };
      }
      return {
        ...head(kind, 'src'),
        spec: {
          type: 'Git',
          // URL too, so the row turning it into an Http resource decodes.
          parameters: [
            { name: 'SCM_URL', value: 'https://git.example.com/shop.git' },
            { name: 'URL', value: 'https://uploads.example.com/files' },
          ],
          persistent: { pvc: 'cache', path: '/src' },
        },
      };
    case 'Stage': {
      if (row.field.startsWith('spec.delegation.')) {
        return {
          ...head(kind, 'build'),
          spec: { delegation: { type: 'Webhook', url: 'https://hooks.example.com/start' } },
        };
      }
      const template =
        row.section === 'Cyclone additions' && row.field.startsWith('metadata.') && !/stage-template/.test(row.field);
      return {
        ...head(kind, 'build'),
        ...(template ? { metadata: { name: 'build', labels: { 'stage.cyclone.dev/template': 'true' } } } : {}),
        spec: { pod: structuredClone(STAGE_POD) },
      };
    }
    case 'Workflow':
      return {
        ...head(kind, 'shop'),
        spec: {
          globalVariables: [{ name: 'ENV', value: 'dev' }],
          stages: [{ name: 'test', depends: ['build'], artifacts: [{ name: 'bin', source: 'build/bin' }] }],
          ...(row.field.startsWith('spec.notification.receivers[0].')
            ? { notification: { receivers: [{ type: 'Webhook', addresses: ['https://hooks.example.com/base'] }] } }
            : {}),
        },
      };
    case 'WorkflowTrigger':
      if (row.field.startsWith('spec.scm.')) {
        return {
          ...head(kind, 'on-push'),
          spec: {
            type: 'SCM',
            workflowRef: { name: 'shop' },
            scm: {
              secret: 'github',
              repo: 'acme/shop',
              push: { enabled: true, branches: ['main'] },
              tagRelease: { enabled: false },
              pullRequest: { enabled: true, branches: ['main'] },
              pullRequestComment: { enabled: true, comments: ['/test'] },
            },
          },
        };
      }
      return {
        ...head(kind, 'nightly'),
        spec: {
          type: 'Cron',
          workflowRef: { name: 'shop' },
          cron: { schedule: '0 2 * * *' },
          parameters: [{ name: 'variables.ENV', value: 'dev' }],
        },
      };
    case 'WorkflowRun':
      return {
        ...head(kind, 'run-1'),
        spec: {
          workflowRef: { name: 'shop' },
          stages: [{ name: 'build', parameters: [{ name: 'FLAGS', value: '-v' }] }],
          resources: [{ name: 'src', parameters: [{ name: 'SCM_REVISION', value: 'main' }] }],
          // A volume for the rows of its fields to change.
          ...(row.field.startsWith('spec.volumes[0].')
            ? {
                volumes: [
                  { type: 'Secret', objectName: 'docker-config', path: 'config.json', mountPath: '/kaniko/.docker' },
                ],
              }
            : {}),
        },
      };
    default:
      return { ...head(kind, 'other'), spec: {} };
  }
}

/** `a.b[0]["c.d"]` → ['a', 'b', 0, 'c.d']. */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/\["([^"]+)"\]|\[(\d+)\]|([^.[\]]+)/g)) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(match[3]);
  }
  return out;
}

function getAt(doc: unknown, path: (string | number)[]): unknown {
  let node = doc;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function setAt(doc: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = doc;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = path[index + 1];
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof next === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}

function decode(doc: Record<string, unknown>) {
  const result = parseManifests(stringify(doc));
  return { documents: result.documents, errors: result.errors.map(formatManifestError) };
}

const kindsOf = (row: Row) => (row.kind === 'all' ? READ_KINDS : [row.kind]);

/** Where a mapped or supported value must land, for a handful of rows. */
const LANDS: Record<string, (m: Manifest, sample: unknown) => unknown> = {
  'Stage spec.pod.spec.containers[0].image': (m) => m.kind === 'Stage' && m.spec.image,
  'Stage spec.pod.spec.containers[0].command': (m) => m.kind === 'Stage' && m.spec.command,
  'Stage spec.pod.spec.containers[0].workingDir': (m) => m.kind === 'Stage' && m.spec.workingDir,
  'Stage spec.pod.spec.volumes': (m) => m.kind === 'Stage' && m.spec.podSpecExtras?.volumes,
  'Stage spec.pod.spec.containers[0].resources': (m) =>
    m.kind === 'Stage' && (m.spec.podSpecExtras?.containers as { resources?: unknown }[] | undefined)?.[0]?.resources,
  'Stage spec.pod.spec.services': (m) =>
    m.kind === 'Stage' && m.spec.services?.map((s) => ({ name: s.name, image: s.image, readiness: s.readiness })),
  'Stage spec.delegation.type': (m) => m.kind === 'Stage' && m.spec.delegation?.type,
  'Stage spec.delegation.url': (m) => m.kind === 'Stage' && m.spec.delegation?.url,
  'Stage spec.delegation.config': (m) => m.kind === 'Stage' && m.spec.delegation?.config,
  'Workflow spec.stages[0].depends': (m) => m.kind === 'Workflow' && m.spec.stages[0]?.dependsOn,
  'Workflow spec.stages[0].artifacts[0].source': (m) =>
    m.kind === 'Workflow' && m.spec.stages[0]?.artifactSources[0]?.source,
  'Workflow metadata.annotations["cyclone.dev/description"]': (m) => m.kind === 'Workflow' && m.spec.description,
  'WorkflowTrigger spec.scm.secret': (m) => m.kind === 'WorkflowTrigger' && m.spec.scm?.integration,
  'WorkflowRun spec.executionContext.cluster': (m) => m.kind === 'WorkflowRun' && m.spec.executionCluster,
  'WorkflowRun spec.serviceAccount': (m) => m.kind === 'WorkflowRun' && m.spec.serviceAccount,
  'WorkflowRun spec.volumes[0].mountPath': (m) => m.kind === 'WorkflowRun' && m.spec.volumes[0]?.mountPath,
  'WorkflowRun spec.volumes[0].containerGroup': (m) => m.kind === 'WorkflowRun' && m.spec.volumes[0]?.containerGroup,
  'Workflow spec.executionContext.cluster': (m) => m.kind === 'Workflow' && m.spec.executionCluster,
  // The original's untagged spelling lands where `spec.resources` does.
  'Workflow spec.Resources': (m) => m.kind === 'Workflow' && m.spec.resources,
  'Workflow spec.resources': (m) => m.kind === 'Workflow' && m.spec.resources,
  'Workflow spec.resources.requests': (m) => m.kind === 'Workflow' && m.spec.resources?.requests,
  'Workflow spec.notification.receivers[0].addresses': (m) =>
    m.kind === 'Workflow' && m.spec.notification?.receivers[0]?.addresses,
};
/** Mapped rows whose value changes form: the expected decoded value. */
const LANDS_AS: Record<string, [(m: Manifest) => unknown, unknown]> = {
  'WorkflowTrigger spec.disabled': [(m) => m.kind === 'WorkflowTrigger' && m.spec.enabled, false],
  'Workflow spec.notification.policy': [(m) => m.kind === 'Workflow' && m.spec.notification?.policy, 'FAILURE'],
  'Workflow spec.notification.receivers': [
    (m) => m.kind === 'Workflow' && m.spec.notification?.receivers,
    [{ type: 'EMAIL', addresses: ['dev@example.com'] }],
  ],
  'Workflow spec.notification.receivers[0].type': [
    (m) => m.kind === 'Workflow' && m.spec.notification?.receivers[0]?.type,
    'SLACK',
  ],
  'WorkflowTrigger spec.scm.tagRelease.enabled': [(m) => m.kind === 'WorkflowTrigger' && m.spec.scm?.tagRelease, true],
  'Stage metadata.labels["stage.cyclone.dev/template"]': [(m) => m.kind === 'Stage' && m.template?.kind, 'custom'],
  // A YAML number is taken as its text.
  'Workflow spec.resources.limits': [
    (m) => m.kind === 'Workflow' && m.spec.resources?.limits,
    { cpu: '2', memory: '4Gi' },
  ],
  'WorkflowTrigger spec.stages': [
    (m) => m.kind === 'WorkflowTrigger' && m.spec.parameters.find((p) => p.name.startsWith('stages.')),
    { name: 'stages.build.GOFLAGS', value: '-v' },
  ],
  'WorkflowTrigger spec.resources': [
    (m) => m.kind === 'WorkflowTrigger' && m.spec.parameters.find((p) => p.name.startsWith('resources.')),
    { name: 'resources.src.SCM_REVISION', value: 'dev' },
  ],
  'WorkflowTrigger spec.globalVariables': [
    // The base document gives variables.ENV too: the preset comes after spec.parameters.
    (m) => m.kind === 'WorkflowTrigger' && m.spec.parameters.filter((p) => p.name.startsWith('variables.')).at(-1),
    { name: 'variables.ENV', value: 'prod' },
  ],
};

describe('docs/compatibility.md', () => {
  it('has a row for every field of the original types', () => {
    expect(ROWS.length).toBeGreaterThan(100);
    const missing: string[] = [];
    const listed = (kind: string, field: string) => ROWS.some((r) => r.kind === kind && r.field === field);
    for (const field of COMMON_FIELDS) if (!listed('all', field)) missing.push(`all ${field}`);
    for (const [kind, fields] of Object.entries(UPSTREAM_FIELDS)) {
      for (const field of fields) if (!listed(kind, field)) missing.push(`${kind} ${field}`);
    }
    expect(missing).toEqual([]);
  });

  it('names a known kind in every row, and an error exactly in the refused rows', () => {
    for (const row of ROWS) {
      const at = `line ${row.line}`;
      expect(['all', ...ALL_KINDS], at).toContain(row.kind);
      if (row.status === 'refused') expect(row.error, at).not.toBe('');
      else expect(row.error, at).toBe('');
    }
  });

  for (const row of ROWS) {
    for (const kind of kindsOf(row)) {
      const key = `${kind} ${row.field}`;
      it(`${row.section}: ${key} = ${row.sampleText} is ${row.status} (line ${row.line})`, () => {
        const plain = base(row, kind);
        const doc = structuredClone(plain);
        const path = segments(row.field);
        setAt(doc, path, row.sample);
        const before = decode(plain);
        // The kinds this Cyclone does not read are refused as they are.
        const refusedAlone = !(READ_KINDS as readonly string[]).includes(kind);
        expect(before.errors.length > 0, 'the base document is refused alone').toBe(refusedAlone);
        const after = decode(doc);
        switch (row.status) {
          case 'refused':
            expect(after.errors.join('\n')).toContain(row.error);
            break;
          case 'ignored (dropped)':
            expect(after.errors).toEqual([]);
            expect(after.documents).toEqual(before.documents);
            break;
          case 'ignored (kept)':
          case 'supported':
          case 'mapped': {
            expect(after.errors).toEqual([]);
            expect(after.documents).toHaveLength(1);
            // The field has an effect, unless the sample is what the base already says.
            if (JSON.stringify(getAt(plain, path)) !== JSON.stringify(row.sample)) {
              expect(after.documents).not.toEqual(before.documents);
            }
            const manifest = after.documents[0] as Manifest;
            const lands = LANDS[key];
            if (lands) expect(lands(manifest, row.sample)).toEqual(row.sample);
            const landsAs = LANDS_AS[key];
            if (landsAs) expect(landsAs[0](manifest)).toEqual(landsAs[1]);
            break;
          }
        }
      });
    }
  }

  it('checks where values land for a handful of mapped rows', () => {
    const checked = [...Object.keys(LANDS), ...Object.keys(LANDS_AS)];
    for (const key of checked) {
      expect(
        ROWS.some((row) => kindsOf(row).some((kind) => `${kind} ${row.field}` === key)),
        key,
      ).toBe(true);
    }
  });
});
