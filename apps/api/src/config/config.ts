import { availableParallelism, hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { OutputLimits } from '@cyclone/domain/core';
import { parseDuration } from './duration.js';
import { type Env, envSchema, parseSize, splitList } from './env-schema.js';
import { type SsoSettings, ssoSettings } from './sso-config.js';

export type Role = Env['CYCLONE_ROLE'];

export interface Config {
  server: {
    host: string;
    port: number;
    role: Role;
    /** CYCLONE_SERVER_PROCESSES: processes serving the port (server-processes.ts); 1 without the server role. */
    processes: number;
    shutdownGraceMs: number;
    /** Proxies in front of the API whose X-Forwarded-For entries are believed (0: none). */
    trustProxyHops: number;
    /** CYCLONE_METRICS_TOKEN: the bearer token /metrics requires; undefined: /metrics is open. */
    metricsToken: string | undefined;
    /** CYCLONE_METRICS_MAX_TENANT_LABELS: most tenants the run gauges name one by one. */
    metricsMaxTenantLabels: number;
  };
  database: {
    /** External Postgres; when absent the API starts an embedded one under dataDir. */
    url: string | undefined;
    dataDir: string;
    embeddedPort: number;
    migrationsDir: string | undefined;
  };
  identity: {
    adminEmail: string;
    adminPassword: string;
    isDefaultAdminPassword: boolean;
    sessionTtlMs: number;
    /** Failed sign-ins allowed per account and per client IP within one window. */
    loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };
    /** CYCLONE_PASSWORD_SIGN_IN: false refuses `login` (single sign-on only). */
    passwordSignIn: boolean;
    /** OpenID Connect single sign-on; undefined when CYCLONE_OIDC_ISSUER is unset. */
    sso: SsoSettings | undefined;
  };
  secrets: {
    /** From CYCLONE_ENCRYPTION_KEY; when absent a key file under the data dir is used. */
    encryptionKey: Buffer | undefined;
    keyFile: string;
  };
  engine: {
    /** Active runs across all tenants; null: no limit. */
    maxActiveRuns: number | null;
    /** Queued (not yet admitted) runs per tenant; null: no limit. */
    maxQueuedRunsPerTenant: number | null;
    /** Finished runs kept per workflow unless the workflow says otherwise. */
    runRetention: number;
    /** How often the controller looks at everything even when nothing woke it. */
    resyncMs: number;
    /** Largest artifact a stage pod may upload. */
    artifactMaxBytes: number;
    /** Stage caches one tenant may keep in all (least recently used evicted past it). */
    cacheMaxBytes: number;
    /** Where artifacts live: undefined, the data directory; else an S3-compatible store. */
    objectStore?: S3StoreSettings;
    /** What a stage may print and leave in $CYCLONE_RESULTS, whichever executor runs it. */
    outputLimits: OutputLimits;
    /** CYCLONE_EXECUTOR: where stages run (choose-executor.ts); `host` also lets the host executor run stages unsandboxed off loopback. */
    executor: Env['CYCLONE_EXECUTOR'];
  };
  /** The container executor's engine and the settings of every stage container. */
  containers: {
    /** DOCKER_HOST; undefined: the default socket. */
    dockerHost: string | undefined;
    network: string | undefined;
    pidsLimit: number;
    /** CYCLONE_INSTANCE: labels telling apart installations that share an engine. */
    instance: string;
  };
  /** Set when a cluster is configured (CYCLONE_KUBECONFIG or in-cluster); absent in the embedded default. */
  kubernetes: KubernetesConfig | undefined;
  integrations: {
    checkTimeoutMs: number;
    notifyTimeoutMs: number;
    notifyMaxAttempts: number;
  };
  /** What calls made for tenants may reach (modules/outbound, docs/security.md). */
  outbound: OutboundSettings;
  /** GraphQL query cache per API process; maxAgeMs 0: off. */
  queryCache: { maxAgeMs: number; maxEntries: number; maxBytes: number };
  /** CYCLONE_PUBLIC_URL without a trailing slash; default http://localhost:<PORT>. */
  publicUrl: string;
  logging: { level: Env['LOG_LEVEL'] };
}

export interface KubernetesConfig {
  /** Kubeconfig file; undefined: the pod's service account. */
  kubeconfigPath: string | undefined;
  namespace: string;
  instance: string;
  resyncIntervalMs: number;
  /** CYCLONE_GITOPS_USER: who Cyclone resources changed in Kubernetes are applied as; undefined: intake off. */
  gitopsUser: string | undefined;
  /** This process in the controller leader election. */
  identity: string;
  /** Stage pods (Kubernetes executor). */
  stagePods: {
    gcDelayMs: number;
    helperImage: string;
    apiUrl: string;
    podDefaults: Record<string, unknown>;
    workspaceSize: string;
    /** CIDRs the tenant namespaces' NetworkPolicy keeps stage pods from. */
    egressDeny: string[];
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once at boot. The only place that reads process.env. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const publicUrl = (env.CYCLONE_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const problems: string[] = [];
  const sso = ssoSettings(env, publicUrl, problems);
  const processes = env.CYCLONE_SERVER_PROCESSES === 'auto' ? availableParallelism() : env.CYCLONE_SERVER_PROCESSES;
  // The other roles run the engine (and maybe an embedded Postgres) in the process: never twice.
  if (processes > 1 && env.CYCLONE_ROLE !== 'server') {
    problems.push('CYCLONE_SERVER_PROCESSES: more than one process needs CYCLONE_ROLE=server');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    server: {
      host: env.HOST,
      port: env.PORT,
      role: env.CYCLONE_ROLE,
      processes,
      shutdownGraceMs: parseDuration(env.CYCLONE_SHUTDOWN_GRACE),
      trustProxyHops: env.CYCLONE_TRUST_PROXY,
      metricsToken: env.CYCLONE_METRICS_TOKEN,
      metricsMaxTenantLabels: env.CYCLONE_METRICS_MAX_TENANT_LABELS,
    },
    database: {
      url: env.DATABASE_URL,
      dataDir: isAbsolute(env.CYCLONE_DATA_DIR) ? env.CYCLONE_DATA_DIR : resolve(env.CYCLONE_DATA_DIR),
      embeddedPort: env.CYCLONE_EMBEDDED_PG_PORT,
      migrationsDir: env.CYCLONE_MIGRATIONS_DIR,
    },
    identity: {
      adminEmail: env.CYCLONE_ADMIN_EMAIL,
      adminPassword: env.CYCLONE_ADMIN_PASSWORD,
      isDefaultAdminPassword: source.CYCLONE_ADMIN_PASSWORD === undefined || source.CYCLONE_ADMIN_PASSWORD === '',
      sessionTtlMs: parseDuration(env.CYCLONE_SESSION_TTL),
      loginThrottle: {
        maxFailuresPerAccount: env.CYCLONE_LOGIN_MAX_FAILURES_PER_ACCOUNT,
        maxFailuresPerIp: env.CYCLONE_LOGIN_MAX_FAILURES_PER_IP,
        windowMs: parseDuration(env.CYCLONE_LOGIN_FAILURE_WINDOW),
      },
      passwordSignIn: env.CYCLONE_PASSWORD_SIGN_IN === 'true',
      sso,
    },
    secrets: {
      encryptionKey: env.CYCLONE_ENCRYPTION_KEY ? Buffer.from(env.CYCLONE_ENCRYPTION_KEY, 'base64') : undefined,
      keyFile: join(
        isAbsolute(env.CYCLONE_DATA_DIR) ? env.CYCLONE_DATA_DIR : resolve(env.CYCLONE_DATA_DIR),
        'encryption.key',
      ),
    },
    engine: {
      maxActiveRuns: env.CYCLONE_MAX_ACTIVE_RUNS === 0 ? null : env.CYCLONE_MAX_ACTIVE_RUNS,
      maxQueuedRunsPerTenant:
        env.CYCLONE_MAX_QUEUED_RUNS_PER_TENANT === 0 ? null : env.CYCLONE_MAX_QUEUED_RUNS_PER_TENANT,
      runRetention: env.CYCLONE_RUN_RETENTION,
      resyncMs: parseDuration(env.CYCLONE_CONTROLLER_RESYNC),
      artifactMaxBytes: parseSize(env.CYCLONE_ARTIFACT_MAX_SIZE),
      cacheMaxBytes: parseSize(env.CYCLONE_CACHE_MAX_SIZE),
      objectStore: objectStoreSettings(env),
      outputLimits: {
        maxLineBytes: parseSize(env.CYCLONE_LOG_LINE_MAX_SIZE),
        maxLogBytes: parseSize(env.CYCLONE_LOG_MAX_SIZE),
        maxResultsBytes: parseSize(env.CYCLONE_RESULTS_MAX_SIZE),
      },
      executor: env.CYCLONE_EXECUTOR,
    },
    containers: {
      dockerHost: env.DOCKER_HOST,
      network: env.CYCLONE_CONTAINER_NETWORK,
      pidsLimit: env.CYCLONE_CONTAINER_PIDS_LIMIT,
      instance: env.CYCLONE_INSTANCE,
    },
    kubernetes: kubernetesConfig(env, source),
    integrations: {
      checkTimeoutMs: parseDuration(env.CYCLONE_INTEGRATION_CHECK_TIMEOUT),
      notifyTimeoutMs: parseDuration(env.CYCLONE_NOTIFY_TIMEOUT),
      notifyMaxAttempts: env.CYCLONE_NOTIFY_MAX_ATTEMPTS,
    },
    outbound: {
      allow: splitList(env.CYCLONE_OUTBOUND_ALLOW),
      deny: splitList(env.CYCLONE_OUTBOUND_DENY),
      serviceHost: source.KUBERNETES_SERVICE_HOST || undefined,
      allowLocalRepositories: env.CYCLONE_ALLOW_LOCAL_REPOSITORIES === 'true',
    },
    queryCache: {
      maxAgeMs: env.CYCLONE_QUERY_CACHE_MAX_AGE === '0' ? 0 : parseDuration(env.CYCLONE_QUERY_CACHE_MAX_AGE),
      maxEntries: env.CYCLONE_QUERY_CACHE_MAX_ENTRIES,
      maxBytes: env.CYCLONE_QUERY_CACHE_MAX_MB * 1024 * 1024,
    },
    publicUrl,
    logging: { level: env.LOG_LEVEL },
  };
}

function parsePodDefaults(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(['CYCLONE_STAGE_POD_DEFAULTS: not JSON']);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(['CYCLONE_STAGE_POD_DEFAULTS: must be a JSON object of PodSpec fields']);
  }
  return parsed as Record<string, unknown>;
}

function kubernetesConfig(env: Env, source: NodeJS.ProcessEnv): KubernetesConfig | undefined {
  const isInPod = source.KUBERNETES_SERVICE_HOST !== undefined && source.KUBERNETES_SERVICE_HOST !== '';
  const isInCluster = env.CYCLONE_IN_CLUSTER === 'true' || (env.CYCLONE_IN_CLUSTER === 'auto' && isInPod);
  if (!env.CYCLONE_KUBECONFIG && !isInCluster) return undefined;
  return {
    kubeconfigPath: env.CYCLONE_KUBECONFIG ? resolve(env.CYCLONE_KUBECONFIG) : undefined,
    namespace: env.CYCLONE_NAMESPACE,
    instance: env.CYCLONE_INSTANCE,
    resyncIntervalMs: parseDuration(env.CYCLONE_RESYNC_INTERVAL),
    gitopsUser: env.CYCLONE_GITOPS_USER,
    identity: env.CYCLONE_POD_NAME ?? `${hostname()}:${process.pid}`,
    stagePods: {
      gcDelayMs: parseDuration(env.CYCLONE_POD_GC_DELAY),
      helperImage: env.CYCLONE_STAGE_HELPER_IMAGE,
      apiUrl: (env.CYCLONE_STAGE_API_URL ?? env.CYCLONE_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(
        /\/+$/,
        '',
      ),
      podDefaults: parsePodDefaults(env.CYCLONE_STAGE_POD_DEFAULTS),
      workspaceSize: env.CYCLONE_STAGE_WORKSPACE_SIZE,
      egressDeny: splitList(env.CYCLONE_STAGE_EGRESS_DENY),
    },
  };
}

/** What calls made for tenants may reach (modules/outbound, docs/security.md). */
export interface OutboundSettings {
  /** CYCLONE_OUTBOUND_ALLOW: CIDRs, addresses and host names reachable anyway. */
  allow: string[];
  /** CYCLONE_OUTBOUND_DENY: further CIDRs refused (e.g. the cluster's service range). */
  deny: string[];
  /** The cluster's API service address when running in a pod (KUBERNETES_SERVICE_HOST). */
  serviceHost?: string;
  /** CYCLONE_ALLOW_LOCAL_REPOSITORIES: Git/Svn repositories on this machine (file://, paths). */
  allowLocalRepositories?: boolean;
}

/** Where an S3-compatible store is and how to reach it (CYCLONE_OBJECT_STORE and CYCLONE_S3_*). */
export interface S3StoreSettings {
  bucket: string;
  /** Key prefix inside the bucket ("" or ending in "/"). */
  prefix: string;
  /** Endpoint of a store other than AWS (MinIO, versitygw, Ceph, …). */
  endpoint?: string;
  region: string;
  /** Path-style addressing (http://host/bucket/key), which most self-hosted stores need. */
  pathStyle: boolean;
  /** Static credentials; without them the AWS SDK's default chain (env, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

function objectStoreSettings(env: Env): S3StoreSettings | undefined {
  if (!env.CYCLONE_OBJECT_STORE) return undefined;
  const hasKey = env.CYCLONE_S3_ACCESS_KEY_ID !== undefined;
  if (hasKey !== (env.CYCLONE_S3_SECRET_ACCESS_KEY !== undefined)) {
    throw new ConfigError(['CYCLONE_S3_ACCESS_KEY_ID and CYCLONE_S3_SECRET_ACCESS_KEY: set both or neither']);
  }
  return {
    ...parseObjectStoreUrl(env.CYCLONE_OBJECT_STORE),
    endpoint: env.CYCLONE_S3_ENDPOINT,
    region: env.CYCLONE_S3_REGION,
    pathStyle: env.CYCLONE_S3_PATH_STYLE === 'true',
    ...(hasKey
      ? {
          credentials: {
            accessKeyId: env.CYCLONE_S3_ACCESS_KEY_ID as string,
            secretAccessKey: env.CYCLONE_S3_SECRET_ACCESS_KEY as string,
          },
        }
      : {}),
  };
}

/** `s3://bucket/prefix` of CYCLONE_OBJECT_STORE, or an error saying what is wrong. */
function parseObjectStoreUrl(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`CYCLONE_OBJECT_STORE must be s3://<bucket>[/<prefix>] (got "${url}")`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1] as string, prefix: prefix ? `${prefix}/` : '' };
}
