// charts/cyclone: linted, rendered for several value sets, the same deployment as the
// kustomize base, accepted by the real kube-apiserver, and installed, upgraded and
// uninstalled with helm into the test control plane.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe } from 'vitest';
import { applyObject } from '../apply.js';
import { K8S_DIR } from '../crds/files.js';
import { MANIFESTS_DIR, renderKustomization } from '../kustomize.js';
import { CHART_DIR, helm, renderChart } from '../testing/helm.js';
import { expect, test } from '../testing/namespace-fixture.js';

type Obj = KubernetesObject & Record<string, unknown>;
const DATABASE = { 'database.url': 'postgresql://cyclone:pw@db.example:5432/cyclone' };
const CLUSTER_SCOPED = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

const find = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name) as Obj | undefined;
const kinds = (objects: KubernetesObject[]) => [...new Set(objects.map((o) => o.kind))].sort();

/** An object without what only one renderer adds: labels, annotations, pull policy. */
function comparable(object: Obj): unknown {
  const copy = structuredClone(object) as Obj & { spec?: { template?: { metadata?: unknown; spec?: Obj } } };
  delete (copy.metadata as Record<string, unknown>).labels;
  delete (copy.metadata as Record<string, unknown>).annotations;
  delete (copy.metadata as Record<string, unknown>).namespace;
  if (copy.spec?.template) {
    delete copy.spec.template.metadata;
    for (const container of (copy.spec.template.spec?.containers ?? []) as Record<string, unknown>[]) {
      delete container.imagePullPolicy;
    }
  }
  return copy;
}

describe('charts/cyclone', () => {
  test('passes helm lint --strict, and refuses to render without a database', () => {
    const sets = Object.entries(DATABASE).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    expect(helm(['lint', '--strict', CHART_DIR, ...sets])).toContain('0 chart(s) failed');
    expect(() => renderChart('cyclone-system', {})).toThrow(
      /Cyclone needs Postgres: set database.existingSecret, database.url or postgresql.enabled/,
    );
  });

  test('renders the defaults: three workloads, least-privilege RBAC, admission policies, PDBs, NetworkPolicies, generated key', () => {
    const objects = renderChart('cyclone-system', DATABASE);
    expect(kinds(objects)).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    const key = find(objects, 'Secret', 'cyclone-encryption-key') as { data: { key: string } } & Obj;
    // Secret data is base64 of the value, and the value is 32 random bytes in base64.
    const value = Buffer.from(key.data.key, 'base64').toString('utf8');
    expect(Buffer.from(value, 'base64')).toHaveLength(32);
    expect(renderChart('cyclone-system', DATABASE).map((o) => JSON.stringify(o))).not.toContain(JSON.stringify(key));
    const config = find(objects, 'ConfigMap', 'cyclone-config') as { data: Record<string, string> } & Obj;
    expect(config.data).toMatchObject({
      CYCLONE_NAMESPACE: 'cyclone-system',
      CYCLONE_STAGE_API_URL: 'http://cyclone-api.cyclone-system.svc:4000',
      CYCLONE_STAGE_HELPER_IMAGE: 'ghcr.io/cyclone-ci/cyclone-stage-helper:0.1.0',
    });
    const binding = find(objects, 'ClusterRoleBinding', 'cyclone-controller') as { subjects: unknown[] } & Obj;
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'cyclone-controller', namespace: 'cyclone-system' },
    ]);
    for (const name of ['cyclone-api', 'cyclone-controller', 'cyclone-web']) {
      expect(find(objects, 'PodDisruptionBudget', name)?.spec).toMatchObject({ minAvailable: 1 });
    }
    // Readiness follows the database, liveness never does: an outage makes pods unready, not restarted.
    const container = (name: string) =>
      (find(objects, 'Deployment', name) as Obj & { spec: { template: { spec: { containers: Obj[] } } } }).spec.template
        .spec.containers[0];
    for (const name of ['cyclone-api', 'cyclone-controller']) {
      expect(container(name)).toMatchObject({
        readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
        livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
      });
    }
    // A rolling update's old API pod serves until the Service has dropped it.
    expect(container('cyclone-api')).toMatchObject({ lifecycle: { preStop: { sleep: { seconds: 5 } } } });
  });

  test('renders the other value sets: bundled Postgres, object store, Ingress with TLS, ServiceMonitor and alerts; or bare', () => {
    const full = renderChart('ci', {
      'postgresql.enabled': true,
      'ingress.enabled': true,
      'ingress.host': 'ci.example.com',
      'ingress.tlsSecret': 'ci-tls',
      'metrics.serviceMonitor': true,
      'metrics.prometheusRule': true,
      'metrics.grafanaDashboard': true,
      'metrics.tokenSecret': 'metrics-token',
      'image.tag': '1.2.3',
      'objectStore.url': 's3://ci-artifacts/cyclone',
      'objectStore.endpoint': 'http://minio.storage.svc:9000',
      'objectStore.credentialsSecret': 'artifact-store',
      'tracing.otlpEndpoint': 'http://otel-collector.monitoring:4318',
      publicUrl: 'https://ci.example.com',
    });
    expect(find(full, 'StatefulSet', 'cyclone-postgresql')).toBeDefined();
    const database = find(full, 'Secret', 'cyclone-database') as { stringData: { url: string } } & Obj;
    const postgres = find(full, 'Secret', 'cyclone-postgresql') as { stringData: { password: string } } & Obj;
    expect(database.stringData.url).toBe(
      `postgresql://cyclone:${postgres.stringData.password}@cyclone-postgresql.ci.svc:5432/cyclone`,
    );
    expect(find(full, 'Ingress', 'cyclone')?.spec).toMatchObject({
      tls: [{ hosts: ['ci.example.com'], secretName: 'ci-tls' }],
      rules: [{ host: 'ci.example.com' }],
    });
    expect(find(full, 'ServiceMonitor', 'cyclone')?.spec).toMatchObject({
      endpoints: [{ path: '/metrics', authorization: { credentials: { name: 'metrics-token', key: 'token' } } }],
    });
    expect(find(full, 'PrometheusRule', 'cyclone')).toBeDefined();
    const dashboard = find(full, 'ConfigMap', 'cyclone-grafana-dashboard') as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    } & Obj;
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['cyclone.json'] as string)).toMatchObject({ uid: 'cyclone-overview' });
    expect(find(full, 'NetworkPolicy', 'cyclone-postgresql')).toBeDefined();
    const api = find(full, 'Deployment', 'cyclone-api') as Obj & {
      spec: { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } };
    };
    expect(api.spec.template.spec.containers[0]?.image).toBe('ghcr.io/cyclone-ci/cyclone-api:1.2.3');
    expect(api.spec.template.spec.containers[0]?.env.map((e) => e.name)).toEqual(
      expect.arrayContaining(['CYCLONE_METRICS_TOKEN', 'CYCLONE_S3_ACCESS_KEY_ID', 'CYCLONE_S3_SECRET_ACCESS_KEY']),
    );
    expect((find(full, 'ConfigMap', 'cyclone-config') as { data: Record<string, string> } & Obj).data).toMatchObject({
      CYCLONE_OBJECT_STORE: 's3://ci-artifacts/cyclone',
      CYCLONE_S3_ENDPOINT: 'http://minio.storage.svc:9000',
      CYCLONE_S3_PATH_STYLE: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });

    const bare = renderChart('ci', {
      'database.existingSecret': 'my-db',
      'encryptionKey.existingSecret': 'my-key',
      'networkPolicy.enabled': false,
      'admissionPolicy.enabled': false,
      'api.replicas': 1,
      'controller.replicas': 1,
      'web.replicas': 1,
    });
    expect(kinds(bare)).not.toContain('NetworkPolicy');
    // Tracing is off unless an endpoint is set.
    expect(JSON.stringify(find(bare, 'ConfigMap', 'cyclone-config'))).not.toContain('OTEL_');
    expect(find(bare, 'ConfigMap', 'cyclone-grafana-dashboard')).toBeUndefined();
    expect(kinds(bare)).not.toContain('PodDisruptionBudget');
    expect(kinds(bare)).not.toContain('ValidatingAdmissionPolicy');
    expect(bare.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(find(bare, 'Deployment', 'cyclone-controller'))).toContain('"name":"my-key"');
  });

  test('is the same deployment as the kustomize base (one description, checked)', () => {
    const base = renderKustomization(join(MANIFESTS_DIR, 'base'));
    const chart = renderChart('cyclone-system', {
      'database.existingSecret': 'cyclone-database',
      'encryptionKey.existingSecret': 'cyclone-encryption-key',
      'networkPolicy.enabled': false,
      'api.minAvailable': 0,
      'controller.minAvailable': 0,
      'web.minAvailable': 0,
    });
    const fromBase = base.filter((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition');
    for (const object of fromBase) {
      const rendered = find(chart, object.kind as string, object.metadata?.name as string);
      expect(rendered, `${object.kind}/${object.metadata?.name} is in the base but not in the chart`).toBeDefined();
      expect(comparable(rendered as Obj), `${object.kind}/${object.metadata?.name}`).toEqual(comparable(object as Obj));
    }
    // The chart's extra object with these values: the controller's metrics Service.
    expect(
      chart
        .filter((o) => !find(fromBase, o.kind as string, o.metadata?.name as string))
        .map((o) => `${o.kind}/${o.metadata?.name}`),
    ).toEqual(['Service/cyclone-controller']);
    // And its CRDs are the CRDs.
    for (const file of readdirSync(join(CHART_DIR, 'crds'))) {
      expect(readFileSync(join(CHART_DIR, 'crds', file), 'utf8'), `${file}: run node scripts/sync-chart.mjs`).toBe(
        readFileSync(join(K8S_DIR, 'crds', file), 'utf8'),
      );
    }
    expect(readdirSync(join(CHART_DIR, 'crds')).sort()).toEqual(
      readdirSync(join(K8S_DIR, 'crds'))
        .filter((f) => f !== 'kustomization.yaml')
        .sort(),
    );
  });

  test('renders objects the API server accepts (server-side apply, dry run)', async ({ clients, namespace }) => {
    for (const object of renderChart(namespace, DATABASE)) {
      if (!CLUSTER_SCOPED.has(object.kind as string)) object.metadata = { ...object.metadata, namespace };
      const result = await applyObject(clients.objects, object, { dryRun: true }).catch((err: unknown) => {
        throw new Error(`${object.kind}/${object.metadata?.name}: ${(err as { body?: string }).body ?? String(err)}`);
      });
      expect(result.metadata?.name).toBe(object.metadata?.name);
    }
  });

  test('helm install, upgrade to changed values, and uninstall leaving no object behind', async ({
    clients,
    kubeconfigPath,
    namespace,
  }) => {
    const release = ['--kubeconfig', kubeconfigPath, '--namespace', namespace];
    const sets = Object.entries(DATABASE).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    helm(['install', 'cyclone', CHART_DIR, ...release, ...sets]);
    const deployment = (name: string) =>
      clients.objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } });
    expect(((await deployment('cyclone-api')) as Obj & { spec: { replicas: number } }).spec.replicas).toBe(2);
    const key = await clients.core.readNamespacedSecret({ name: 'cyclone-encryption-key', namespace });

    helm(['upgrade', 'cyclone', CHART_DIR, ...release, ...sets, '--set', 'api.replicas=3', '--set', 'logLevel=debug']);
    expect(((await deployment('cyclone-api')) as Obj & { spec: { replicas: number } }).spec.replicas).toBe(3);
    const config = await clients.core.readNamespacedConfigMap({ name: 'cyclone-config', namespace });
    expect(config.data?.LOG_LEVEL).toBe('debug');
    // The generated key survives the upgrade: sealed secrets stay readable.
    const keptKey = await clients.core.readNamespacedSecret({ name: 'cyclone-encryption-key', namespace });
    expect(keptKey.data?.key).toBe(key.data?.key);

    const selector = 'app.kubernetes.io/instance=cyclone';
    /** Names of the release's objects of a kind, in the namespace (or cluster-wide without one). */
    const namesOf = async (apiVersion: string, kind: string, inNamespace?: string) =>
      (
        await clients.objects.list(apiVersion, kind, inNamespace, undefined, undefined, undefined, undefined, selector)
      ).items.map((o) => o.metadata?.name);
    expect((await namesOf('rbac.authorization.k8s.io/v1', 'ClusterRole')).sort()).toEqual([
      'cyclone-controller',
      'cyclone-tenant',
    ]);

    helm(['uninstall', 'cyclone', ...release, '--wait']);
    for (const [apiVersion, kind] of [
      ['apps/v1', 'Deployment'],
      ['v1', 'Service'],
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['v1', 'ServiceAccount'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
    ] as const) {
      expect(await namesOf(apiVersion, kind, namespace), kind).toEqual([]);
    }
    for (const [apiVersion, kind] of [
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'],
    ] as const) {
      expect(await namesOf(apiVersion, kind), kind).toEqual([]);
    }
  });
});
