// Set-up of the Kubernetes executor tests: an API (role server: it runs no controller
// of its own) on a fresh database, the test control plane with its kwok nodes, a
// tenant whose namespace and stage ServiceAccount exist, and a KubernetesExecutor
// driven by a RunReconciler of the test's own (so every knob is the test's).
import { randomBytes } from 'node:crypto';
import {
  installCrds,
  type KubeClients,
  LABELS,
  loadKubeConfig,
  MANAGED_BY,
  makeClients,
  type V1Pod,
} from '@cyclone/k8s';
import pino from 'pino';
import { inject } from 'vitest';
import { FAKE_NODE_LABELS, FAKE_NODE_TOLERATION } from '../../../../../../scripts/testenv/control-plane.mjs';
import { createPlainSql } from '../../../db/plain-sql.js';
import { createPrismaClient, type Db } from '../../../db/prisma.js';
import { INSTANCE_LABEL } from '../../../kube-sync/labels.js';
import { STAGE_SERVICE_ACCOUNT, tenantNamespace } from '../../../kube-sync/tenant-objects.js';
import { SecretBox } from '../../../modules/integrations/secret-box.js';
import { seedTenant } from '../../../testing/seed.js';
import { runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';
import { type Controller, startController } from '../../controller.js';
import { RunReconciler } from '../../run-reconciler.js';
import type { StageExit, StageLaunch } from '../executor.js';
import { KubernetesExecutor } from './kubernetes-executor.js';

/** Stage env entries the fixture turns into kwok annotations (how the fake kubelet ends the pod). */
export const KWOK_EXIT_CODE = 'KWOK_EXIT_CODE';
export const KWOK_RUN_DURATION = 'KWOK_RUN_DURATION';

export function kwokAnnotations(pod: V1Pod, launch: Pick<StageLaunch, 'env'>): V1Pod {
  const get = (name: string) => launch.env.find((e) => e.name === name)?.value;
  const annotations: Record<string, string> = { ...(pod.metadata?.annotations ?? {}) };
  const code = get(KWOK_EXIT_CODE);
  const duration = get(KWOK_RUN_DURATION);
  if (code) annotations['testenv.cyclone.dev/exit-code'] = code;
  annotations['testenv.cyclone.dev/run-duration'] = duration ?? '100ms';
  return { ...pod, metadata: { ...pod.metadata, annotations } };
}

export const kwokPodDefaults = { nodeSelector: { ...FAKE_NODE_LABELS }, tolerations: [{ ...FAKE_NODE_TOLERATION }] };

export interface ExecutorKit {
  api: TestApi;
  /** Token of the platform admin, who makes every test's objects. */
  admin: string;
  db: Db;
  clients: KubeClients;
  tenant: string;
  namespace: string;
  instance: string;
  box: SecretBox;
  h: ReturnType<typeof runHelpers>;
  /** Exits the executor reported (watch), in order. */
  exits: StageExit[];
  makeExecutor(options?: { podGcDelayMs?: number; onExit?: (exit: StageExit) => Promise<void> }): KubernetesExecutor;
  /** Starts a controller with a RunReconciler on a new executor; stop it with the returned function. */
  startController(options?: { podGcDelayMs?: number }): Promise<{
    executor: KubernetesExecutor;
    reconciler: RunReconciler;
    stop(): Promise<void>;
  }>;
  /** Makes the tenant's namespace as the mirror does (done at start unless `namespaceLater`). */
  prepareNamespace(): Promise<void>;
  stop(): Promise<void>;
}

/** Where the kit's pods run: kwok's fake nodes by default, or a real node (real-node.global-setup.ts). */
export interface KitNodes {
  /** Environment of the kit's API on top of the test defaults (e.g. its listen address). */
  apiEnv?: Record<string, string>;
  podDefaults: Record<string, unknown>;
  decoratePod?: (pod: V1Pod, launch: StageLaunch) => V1Pod;
  helperImage: string;
}

const KWOK_NODES: KitNodes = {
  podDefaults: kwokPodDefaults,
  decoratePod: kwokAnnotations,
  helperImage: 'cyclone/stage-helper:test',
};

export async function startExecutorKit(
  nodes: KitNodes = KWOK_NODES,
  options: { namespaceLater?: boolean } = {},
): Promise<ExecutorKit> {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const api = await startTestApi({
    CYCLONE_ROLE: 'server',
    CYCLONE_ENCRYPTION_KEY: key.toString('base64'),
    ...nodes.apiEnv,
  });
  const admin = await api.loginAsAdmin();
  const tenant = `k${randomBytes(3).toString('hex')}`;
  await seedTenant(api, admin, tenant, { projects: ['web'] });
  const db = createPrismaClient(api.databaseUrl);
  const sql = createPlainSql(api.databaseUrl);
  const clients = makeClients(loadKubeConfig({ kubeconfigPath: inject('kubeconfigPath') }));
  await installCrds(clients);
  // What the Kubernetes reconciler prepares per tenant, reduced to what pods need
  // (labelled as the installation's tenant namespace: the pod watch follows those).
  const namespace = tenantNamespace(tenant);
  const instance = `t${randomBytes(3).toString('hex')}`;
  const labels = { [LABELS.managedBy]: MANAGED_BY, [INSTANCE_LABEL]: instance, [LABELS.objectType]: 'tenant' };
  const prepareNamespace = async () => {
    await clients.core.createNamespace({ body: { metadata: { name: namespace, labels } } });
    await clients.core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: STAGE_SERVICE_ACCOUNT } },
    });
  };
  if (!options.namespaceLater) await prepareNamespace();
  const exits: StageExit[] = [];
  const logger = pino({ level: 'silent' });
  const executors: KubernetesExecutor[] = [];
  const controllers: Controller[] = [];

  const makeExecutor: ExecutorKit['makeExecutor'] = (options = {}) => {
    const executor = new KubernetesExecutor({
      db,
      sql,
      logger,
      clients,
      box,
      instance,
      apiUrl: api.url,
      helperImage: nodes.helperImage,
      podGcDelayMs: options.podGcDelayMs ?? 60_000,
      // Claims bind to volumes the tests create (no provisioner in the test cluster).
      storageClassName: '',
      podDefaults: nodes.podDefaults,
      decoratePod: nodes.decoratePod,
      onExit: async (exit) => {
        exits.push(exit);
        await options.onExit?.(exit);
      },
    });
    executors.push(executor);
    return executor;
  };

  // Every test's workflows are made by the tenant's admin (platform admin acts as OWNER).
  const h = runHelpers(api, () => admin, { tenant, project: 'web' });

  return {
    api,
    admin,
    db,
    clients,
    tenant,
    namespace,
    instance,
    box,
    h,
    exits,
    makeExecutor,
    prepareNamespace,
    startController: async (options = {}) => {
      let reconciler: RunReconciler | undefined;
      const executor = makeExecutor({
        podGcDelayMs: options.podGcDelayMs,
        onExit: (exit) => (reconciler as RunReconciler).recordExit(exit),
      });
      await executor.startWatching();
      reconciler = new RunReconciler({ sql, logger, executor, box });
      const controller = startController([reconciler], { intervalMs: 200, logger });
      controllers.push(controller);
      return {
        executor,
        reconciler,
        stop: async () => {
          await controller.stop();
          await executor.shutdown();
        },
      };
    },
    stop: async () => {
      for (const controller of controllers) await controller.stop();
      for (const executor of executors) await executor.shutdown();
      await db.$disconnect();
      await sql.close();
      await api.stop();
      await clients.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    },
  };
}
