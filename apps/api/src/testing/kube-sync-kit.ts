// Shared set-up of the reconciler tests: an API on a fresh database, a
// reconciler driven pass by pass (no timers), clients of the test control plane.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CYCLONE_API_VERSION,
  installCrds,
  type KubeClients,
  type KubernetesObject,
  loadKubeConfig,
  makeClients,
} from '@cyclone/k8s';
import pino from 'pino';
import { inject } from 'vitest';
import { createPlainSql, type PlainSql } from '../db/plain-sql.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { KubeReconciler, type KubeReconcilerDeps } from '../kube-sync/kube-reconciler.js';
import { SecretBox } from '../modules/integrations/secret-box.js';
import { startTestApi, type TestApi } from './test-api.js';

export interface KubeSyncKit {
  api: TestApi;
  token: string;
  db: Db;
  /** Plain pg on the API's database (an executor's stored log lines). */
  sql: PlainSql;
  clients: KubeClients;
  worker: KubeClients;
  workerKubeconfig: string;
  /** Seals integration secrets as the API does (to store rows the API would refuse). */
  box: SecretBox;
  reconciler: KubeReconciler;
  /** Label value of this test's installation. */
  instance: string;
  /** Cyclone's own namespace in the control cluster. */
  systemNamespace: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Another reconciler of this installation (other clients, an intake…). */
  newReconciler(overrides?: Partial<KubeReconcilerDeps>): KubeReconciler;
  /** A tenant with project `web` holding `yaml`, and optionally a GitHub integration named `github`. */
  seedPipeline(tenant: string, yaml: string, options?: SeedOptions): Promise<void>;
  stop(): Promise<void>;
}

export interface SeedOptions {
  quota?: { cpu: string; memory: string };
  projectDescription?: string;
  withGithubIntegration?: boolean;
}

export const suffix = () => randomBytes(3).toString('hex');

/** `env`: the API's settings on top of the test defaults (CYCLONE_ROLE server: runs only where the test runs them). */
export async function startKubeSyncKit(env: Record<string, string> = {}): Promise<KubeSyncKit> {
  const key = randomBytes(32).toString('base64');
  const api = await startTestApi({ ...env, CYCLONE_ENCRYPTION_KEY: key });
  const token = await api.loginAsAdmin();
  const db = createPrismaClient(api.databaseUrl);
  const sql = createPlainSql(api.databaseUrl);
  const clients = makeClients(loadKubeConfig({ kubeconfigPath: inject('kubeconfigPath') }));
  const workerKubeconfig = readFileSync(inject('workerKubeconfigPath'), 'utf8');
  const worker = makeClients(loadKubeConfig({ kubeconfigPath: inject('workerKubeconfigPath') }));
  await installCrds(clients);
  const instance = `t${suffix()}`;
  const systemNamespace = `cyclone-system-${instance}`;
  await clients.core.createNamespace({ body: { metadata: { name: systemNamespace } } });
  const box = new SecretBox(Buffer.from(key, 'base64'));
  const newReconciler = (overrides: Partial<KubeReconcilerDeps> = {}) =>
    new KubeReconciler({
      db,
      logger: pino({ level: 'silent' }),
      clients,
      box,
      // The default of CYCLONE_STAGE_EGRESS_DENY.
      config: { instance, namespace: systemNamespace, egressDeny: ['169.254.0.0/16', 'fe80::/10'] },
      ...overrides,
    });
  const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const result = await api.graphql<T>(query, variables, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  };
  const seedPipeline = async (tenant: string, yaml: string, options: SeedOptions = {}) => {
    await gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }', {
      input: { name: tenant, ...(options.quota ? { quota: options.quota } : {}) },
    });
    await gql('mutation($input: CreateProjectInput!) { createProject(input: $input) { name } }', {
      input: {
        tenant,
        name: 'web',
        ...(options.projectDescription ? { description: options.projectDescription } : {}),
      },
    });
    await gql('mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }', {
      input: { tenant, project: 'web', yaml },
    });
    if (options.withGithubIntegration) {
      await gql('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }', {
        input: { tenant, name: 'github', type: 'GITHUB', config: { username: 'bot' }, secret: { token: 's3cret' } },
      });
    }
  };
  return {
    api,
    token,
    db,
    sql,
    clients,
    worker,
    workerKubeconfig,
    box,
    reconciler: newReconciler(),
    instance,
    systemNamespace,
    gql,
    newReconciler,
    seedPipeline,
    stop: async () => {
      await db.$disconnect();
      await sql.close();
      await api.stop();
      await clients.core.deleteNamespace({ name: systemNamespace }).catch(() => {});
    },
  };
}

/** Reads an object, or undefined when it does not exist. */
export async function readObject<T = KubernetesObject & { spec?: Record<string, unknown> }>(
  clients: KubeClients,
  kind: string,
  name: string,
  namespace?: string,
  apiVersion: string = CYCLONE_API_VERSION,
): Promise<T | undefined> {
  try {
    return (await clients.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as T;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** How the reconciler tests wait for the control plane: a minute at most, asking every 200 ms. */
export const RECONCILE_WAIT = { timeoutMs: 60_000, intervalMs: 200 };
