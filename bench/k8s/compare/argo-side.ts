// The Argo Workflows side of the comparison: its workflow-controller (built from its Go
// module by scripts/testenv/build-go-tool.sh argo) with its minimal CRDs, namespaced to a
// namespace of its own, N Workflows of one container template submitted at once. Only
// ever run inside the benchmark's own network namespace (see compare.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KubeClients, loadAllYaml, setHeaderOptions } from '../../../packages/k8s/dist/index.js';
import { FAKE_NODE_LABELS, FAKE_NODE_TOLERATION } from '../../../scripts/testenv/control-plane.mjs';
import { cpuSecondsOfTree } from '../../lib/cpu.js';
import { peakRss } from '../../lib/rss.js';
import { auditOffset } from './audit.js';
import { type Measurement, measurementOf } from './measurement.js';
import { watchPodTimes } from './pod-times.js';
import { resilientWatch } from './resilient-watch.js';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
/** The bench's own requests carry this user agent, so the audit log tells them from the controller's. */
const submitAs = setHeaderOptions('User-Agent', 'cyclone-bench');

/** Creates Argo's minimal CRDs (typed objects: client-node keeps x-kubernetes-preserve-unknown-fields). */
export async function installArgoCrds(clients: KubeClients, moduleDir: string): Promise<void> {
  const dir = join(moduleDir, 'manifests', 'base', 'crds', 'minimal');
  type Crd = Parameters<KubeClients['apiextensions']['createCustomResourceDefinition']>[0]['body'];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('argoproj.io_'))) {
    for (const crd of loadAllYaml(readFileSync(join(dir, file), 'utf8')) as Crd[]) {
      await clients.apiextensions.createCustomResourceDefinition({ body: crd }).catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    }
  }
  for (let i = 0; ; i++) {
    const crd = await clients.apiextensions.readCustomResourceDefinition({ name: `workflows.${GROUP}` });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (i > 300) throw new Error('the Workflow CRD was not established');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ArgoSettings {
  name: string;
  /** Extra workflow-controller flags (none: its defaults). */
  flags: string[];
}

export const ARGO_DEFAULT: ArgoSettings = { name: 'argo-default', flags: [] };
export const ARGO_TUNED: ArgoSettings = {
  name: 'argo-tuned',
  flags: ['--qps=200', '--burst=300', '--workflow-workers=64'],
};

async function startController(opts: {
  binary: string;
  kubeconfigPath: string;
  namespace: string;
  flags: string[];
  logPath: string;
}): Promise<ChildProcess> {
  const log = openSync(opts.logPath, 'a');
  const child = spawn(
    opts.binary,
    [
      `--kubeconfig=${opts.kubeconfigPath}`,
      `--namespace=${opts.namespace}`,
      '--namespaced',
      `--managed-namespace=${opts.namespace}`,
      ...opts.flags,
    ],
    { stdio: ['ignore', log, log], env: { ...process.env, LEADER_ELECTION_DISABLE: 'true' } },
  );
  // It must not outlive the benchmark (compare.ts turns SIGINT/SIGTERM into an exit).
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  for (let i = 0; ; i++) {
    // Its health endpoint (port 6060, inside the benchmark's network namespace).
    const ok = await fetch('http://127.0.0.1:6060/healthz').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (child.exitCode !== null || i > 600) throw new Error(`workflow-controller did not start; see ${opts.logPath}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopController(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function measureArgo(opts: {
  clients: KubeClients;
  kubeconfigPath: string;
  auditLog: string;
  binary: string;
  logDir: string;
  settings: ArgoSettings;
  runs: number;
  timeoutMs: number;
  /** CPU seconds the control plane's processes used so far. */
  controlPlaneCpuSeconds: () => number;
}): Promise<Measurement> {
  const { clients, runs, settings } = opts;
  const namespace = settings.name;
  await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
  // Its defaults, but for where pods go: the kwok nodes (as Cyclone's stage pod defaults).
  await clients.core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'workflow-controller-configmap' },
      data: {
        workflowDefaults: JSON.stringify({
          spec: { nodeSelector: FAKE_NODE_LABELS, tolerations: [FAKE_NODE_TOLERATION] },
        }),
      },
    },
  });
  // Pods run as the namespace's default ServiceAccount, made by kube-controller-manager.
  for (let i = 0; ; i++) {
    const ok = await clients.core.readNamespacedServiceAccount({ name: 'default', namespace }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error(`no default ServiceAccount in ${namespace}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const controller = await startController({
    binary: opts.binary,
    kubeconfigPath: opts.kubeconfigPath,
    namespace,
    flags: settings.flags,
    logPath: join(opts.logDir, `${settings.name}.log`),
  });
  const rss = peakRss(controller.pid as number);
  const finished = new Map<string, number>();
  const failed = new Set<string>();
  const pods = await watchPodTimes(clients, namespace, 'workflows.argoproj.io/workflow');
  const workflows = await resilientWatch<{ metadata?: { name?: string }; status?: { phase?: string } }>(
    clients,
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/workflows`,
    (type, wf) => {
      const name = wf.metadata?.name;
      const phase = wf.status?.phase;
      if (!name || type === 'DELETED' || finished.has(name)) return;
      if (phase === 'Succeeded') finished.set(name, Date.now());
      else if (phase === 'Failed' || phase === 'Error') failed.add(name);
    },
  );
  try {
    // Let its informers list (an empty namespace) before the clock starts.
    await new Promise((r) => setTimeout(r, 2_000));
    const cpuBefore = cpuSecondsOfTree(controller.pid as number);
    const controlPlaneBefore = opts.controlPlaneCpuSeconds();
    const auditFrom = auditOffset(opts.auditLog);
    const submitted = new Map<string, number>();
    const submitStart = Date.now();
    await Promise.all(
      Array.from({ length: runs }, async (_, i) => {
        const name = `noop-${i + 1}`;
        await clients.customObjects.createNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            namespace,
            plural: 'workflows',
            body: {
              apiVersion: `${GROUP}/${VERSION}`,
              kind: 'Workflow',
              metadata: { name },
              spec: {
                entrypoint: 'main',
                templates: [{ name: 'main', container: { image: 'alpine', command: ['true'] } }],
              },
            },
          },
          submitAs,
        );
        submitted.set(name, Date.now());
      }),
    );
    while (finished.size < runs) {
      if (failed.size > 0) throw new Error(`${failed.size} Argo workflows did not succeed (${settings.name})`);
      if (Date.now() - submitStart > opts.timeoutMs)
        throw new Error(`only ${finished.size} of ${runs} Argo workflows finished in time (${settings.name})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await measurementOf({
      name: settings.name,
      runs,
      submitStart,
      submitted,
      finished,
      pods,
      auditLog: opts.auditLog,
      auditFrom,
      cpuSecondsSinceStart: () => cpuSecondsOfTree(controller.pid as number) - cpuBefore,
      controlPlaneCpuSecondsSinceStart: () => opts.controlPlaneCpuSeconds() - controlPlaneBefore,
      peakRssBytes: () => rss.peakBytes(),
    });
  } finally {
    rss.stop();
    pods.stop();
    workflows.stop();
    await stopController(controller);
    // Its finished Workflows and pods (kept by default) should not weigh on what runs next.
    await clients.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    for (let i = 0; i < 240; i++) {
      const gone = await clients.core.readNamespace({ name: namespace }).then(
        () => false,
        () => true,
      );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
