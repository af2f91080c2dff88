import { z } from 'zod';
import { isHostPattern, parseCidr } from './address-syntax.js';

/** The seeded administrator's password when CYCLONE_ADMIN_PASSWORD is unset (refused off loopback). */
export const DEFAULT_ADMIN_PASSWORD = 'cyclone-admin';

/** A comma-separated list, entries trimmed, empty ones dropped. */
export const splitList = (text: string) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const port = z.coerce.number().int().min(0).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, { message: 'must be a duration like 30s, 15m, 12h or 7d' });

/** Bytes of a size like 512, 64Ki, 100Mi or 2Gi. */
export function parseSize(text: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(text);
  return Number(match?.[1]) * (match?.[2] ? (units[match[2]] as number) : 1);
}

/** A size (parseSize) between `min` and `max` bytes. */
const size = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(Ki|Mi|Gi)?$/, { message: 'must be a size like 64Ki or 100Mi (or bytes)' })
    .refine((v) => parseSize(v) >= min && parseSize(v) <= max, {
      message: `must be between ${min} and ${max} bytes`,
    });

/**
 * Every environment variable the API reads, with its default. README.md's
 * configuration reference lists the same names; keep the two in step.
 */
export const envSchema = z.object({
  // server
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  CYCLONE_ROLE: z.enum(['all', 'server', 'controller']).default('all'),
  CYCLONE_SHUTDOWN_GRACE: duration.default('10s'),
  // Server processes sharing the port (role server only): a number, or `auto` for one per core.
  CYCLONE_SERVER_PROCESSES: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], {
      message: 'must be a number from 1 to 64, or auto',
    })
    .default(1),
  // database
  DATABASE_URL: z
    .string()
    .url()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  CYCLONE_DATA_DIR: z.string().min(1).default('.cyclone'),
  CYCLONE_EMBEDDED_PG_PORT: port.default(0),
  CYCLONE_MIGRATIONS_DIR: z.string().min(1).optional(),
  // identity
  CYCLONE_ADMIN_EMAIL: z.string().email().default('admin@cyclone.local'),
  CYCLONE_ADMIN_PASSWORD: z
    .string()
    .min(8, { message: 'must be at least 8 characters' })
    .default(DEFAULT_ADMIN_PASSWORD),
  CYCLONE_SESSION_TTL: duration.default('7d'),
  CYCLONE_LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  CYCLONE_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  CYCLONE_LOGIN_FAILURE_WINDOW: duration.default('15m'),
  /** How many proxies in front of the API to believe X-Forwarded-For from; 0 ignores it. */
  CYCLONE_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Up to this many tenants, run gauges carry a tenant label; beyond, one series sums them. */
  CYCLONE_METRICS_MAX_TENANT_LABELS: z.coerce.number().int().min(0).max(10_000).default(50),
  /** When set, GET /metrics needs `Authorization: Bearer <this token>`; unset, /metrics is open. */
  CYCLONE_METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  /** `false` refuses `login` with a password (single sign-on only); needs CYCLONE_OIDC_ISSUER. */
  CYCLONE_PASSWORD_SIGN_IN: z.enum(['true', 'false']).default('true'),
  // single sign-on (OpenID Connect; docs/security.md "Single sign-on")
  /** The provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`); unset: no SSO. */
  CYCLONE_OIDC_ISSUER: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), { message: 'must be an https:// URL' })
    .optional(),
  CYCLONE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CYCLONE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** A file holding the client secret (a mounted Kubernetes Secret); instead of CYCLONE_OIDC_CLIENT_SECRET. */
  CYCLONE_OIDC_CLIENT_SECRET_FILE: z.string().min(1).optional(),
  /** Space- or comma-separated; must include `openid`. Add the scope that makes the provider send groups. */
  CYCLONE_OIDC_SCOPES: z.string().min(1).default('openid email profile'),
  /** The ID token (or userinfo) claim listing the user's groups; dots reach into objects (`realm_access.roles`). */
  CYCLONE_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Comma-separated groups whose members are platform administrators; unset: SSO never changes who is one. */
  CYCLONE_OIDC_ADMIN_GROUPS: z.string().default(''),
  /** Where the provider sends the browser back; default `<CYCLONE_PUBLIC_URL>/login/sso` (the web's page). */
  CYCLONE_OIDC_REDIRECT_URL: z.url().optional(),
  /** Shown on the sign-in button: "Sign in with <name>". */
  CYCLONE_OIDC_NAME: z.string().min(1).max(40).default('SSO'),
  // secrets
  /** Base64 of 32 random bytes: the AES-256-GCM key of integration secrets. */
  CYCLONE_ENCRYPTION_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
    })
    .optional(),
  // engine
  /** Runs active at once across all tenants (0: no limit); the rest queue. */
  CYCLONE_MAX_ACTIVE_RUNS: z.coerce.number().int().min(0).default(100),
  /** Runs one tenant may have queued (not yet admitted); more are refused with CONFLICT (0: no limit). */
  CYCLONE_MAX_QUEUED_RUNS_PER_TENANT: z.coerce.number().int().min(0).default(1000),
  /** Finished runs kept per workflow; older ones are deleted with their logs and workspaces. */
  CYCLONE_RUN_RETENTION: z.coerce.number().int().min(1).default(100),
  /** Largest artifact a stage pod may upload (Kubernetes executor), e.g. 512Mi, 2Gi. */
  CYCLONE_ARTIFACT_MAX_SIZE: z
    .string()
    .regex(/^\d+(Ki|Mi|Gi)?$/, { message: 'must be a size like 512Mi or 2Gi' })
    .default('1Gi'),
  /** Stage caches a tenant may keep in all; past it the least recently used entries are evicted, e.g. 512Mi, 10Gi. */
  CYCLONE_CACHE_MAX_SIZE: z
    .string()
    .regex(/^\d+(Ki|Mi|Gi)?$/, { message: 'must be a size like 512Mi or 10Gi' })
    .default('10Gi'),
  /** Where artifacts live: unset, files under the data directory; `s3://<bucket>[/<prefix>]`, an S3-compatible store. */
  CYCLONE_OBJECT_STORE: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, { message: 'must be s3://<bucket>[/<prefix>]' })
    .optional(),
  /** Endpoint of an S3-compatible store other than AWS, e.g. http://minio.storage.svc:9000. */
  CYCLONE_S3_ENDPOINT: z.url().optional(),
  CYCLONE_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Path-style addressing (host/bucket/key), which most self-hosted stores need. */
  CYCLONE_S3_PATH_STYLE: z.enum(['true', 'false']).default('true'),
  /** Static credentials (both or neither); without them the AWS SDK's chain (web identity, instance role, AWS_* env). */
  CYCLONE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  CYCLONE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // What a stage may print (controller/executors/log-writer.ts, the stage helper): sizes like 64Ki, 100Mi, or bytes.
  /** Longest stored log line; a longer one is stored in pieces, each after the first marked as continued. */
  CYCLONE_LOG_LINE_MAX_SIZE: size(256, 2 ** 20).default('64Ki'),
  /** Most bytes of one attempt's log; past it a line says the log was truncated and later output is dropped. */
  CYCLONE_LOG_MAX_SIZE: size(1024, 2 ** 40).default('100Mi'),
  /** Most bytes of a stage's $CYCLONE_RESULTS file read; of a longer one only the complete lines within it count. */
  CYCLONE_RESULTS_MAX_SIZE: size(1, 64 * 2 ** 20).default('1Mi'),
  CYCLONE_CONTROLLER_RESYNC: duration.default('5s'),
  /** Where stages run: `auto` picks kubernetes with a cluster, else container when an engine answers, else host. */
  CYCLONE_EXECUTOR: z.enum(['auto', 'container', 'host', 'kubernetes']).default('auto'),
  // container executor (apps/api/src/controller/executors/container)
  /** The Docker Engine API (Docker or Podman): unix:///path or tcp://host:port; default unix:///var/run/docker.sock. */
  DOCKER_HOST: z
    .string()
    .regex(/^(unix|tcp|http):\/\/.+/, { message: 'must be unix:///path/to/socket or tcp://host:port' })
    .optional(),
  /** Network of stage containers; default the engine's default network. */
  CYCLONE_CONTAINER_NETWORK: z.string().min(1).optional(),
  /** Most processes one stage container may run at once. */
  CYCLONE_CONTAINER_PIDS_LIMIT: z.coerce.number().int().min(16).default(4096),
  // kubernetes (apps/api/src/kube-sync): off unless a kubeconfig is given or in-cluster is on
  /** Kubeconfig of the control cluster; Cyclone then mirrors tenants into it. */
  CYCLONE_KUBECONFIG: z.string().min(1).optional(),
  /** `true`: use the pod's service account; `auto`: do so when running in a pod. */
  CYCLONE_IN_CLUSTER: z.enum(['true', 'false', 'auto']).default('false'),
  /** Cyclone's own namespace: worker-cluster Secrets and the controller's leader Lease. */
  CYCLONE_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63)
    .default('cyclone-system'),
  /** Label value telling apart installations that share a cluster. */
  CYCLONE_INSTANCE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63)
    .default('cyclone'),
  CYCLONE_RESYNC_INTERVAL: duration.default('30s'),
  /**
   * GitOps intake (docs/gitops.md): the email of an existing user that Cyclone resources
   * changed with kubectl are applied as; unset, they are not taken (and say so).
   */
  CYCLONE_GITOPS_USER: z.string().email().optional(),
  /** Identity in the leader election (the pod name in the manifests); default host:pid. */
  CYCLONE_POD_NAME: z.string().min(1).max(253).optional(),
  // Kubernetes executor (stage pods; apps/api/src/controller/executors/kubernetes)
  /** Ended stage pods are deleted this long after their exit was recorded (stop and timeout: at once). */
  CYCLONE_POD_GC_DELAY: duration.default('10m'),
  /** Image of the stage helper (inputs init container and log/output sidecar). */
  CYCLONE_STAGE_HELPER_IMAGE: z.string().min(1).default('cyclone/stage-helper:latest'),
  /** URL stage pods reach the API at; default CYCLONE_PUBLIC_URL. */
  CYCLONE_STAGE_API_URL: z.url().optional(),
  /** JSON PodSpec fields for every stage pod, e.g. {"nodeSelector":{"pool":"ci"}}; a stage's own win. */
  CYCLONE_STAGE_POD_DEFAULTS: z.string().optional(),
  /**
   * CIDRs stage pods may not reach (their namespace's NetworkPolicy): link-local by
   * default (cloud metadata); add the kube-apiserver's addresses and private ranges.
   */
  CYCLONE_STAGE_EGRESS_DENY: z
    .string()
    .refine((v) => splitList(v).every((e) => parseCidr(e) !== undefined && e.includes('/')), {
      message: 'must be comma-separated CIDRs (e.g. 169.254.0.0/16,10.96.0.1/32)',
    })
    .default('169.254.0.0/16,fe80::/10'),
  /** Size of a run's shared workspace claim (runs of more than one stage). */
  CYCLONE_STAGE_WORKSPACE_SIZE: z
    .string()
    .regex(/^\d+(Mi|Gi|Ti)$/)
    .default('1Gi'),
  // integrations and notifications
  /** Time limit of one testIntegration check (DNS to answer). */
  CYCLONE_INTEGRATION_CHECK_TIMEOUT: duration.default('5s'),
  /** Time limit of one notification delivery attempt. */
  CYCLONE_NOTIFY_TIMEOUT: duration.default('10s'),
  /** Attempts per notification receiver before it is recorded FAILED (backoff 10s, 20s, 40s …). */
  CYCLONE_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * Outbound policy (docs/security.md): comma-separated CIDRs, addresses and host names
   * (`*.corp` for a whole domain) that calls made for tenants may reach although they are
   * loopback, link-local, private or the API's own; e.g. `10.20.0.0/16,git.corp`.
   */
  CYCLONE_OUTBOUND_ALLOW: z
    .string()
    .refine((v) => splitList(v).every((e) => parseCidr(e) !== undefined || isHostPattern(e)), {
      message: 'must be comma-separated CIDRs, IP addresses and host names (e.g. 10.0.0.0/8,git.corp)',
    })
    .default(''),
  /** Further CIDRs outbound calls may not reach, e.g. the cluster's service range when it is not private. */
  CYCLONE_OUTBOUND_DENY: z
    .string()
    .refine((v) => splitList(v).every((e) => parseCidr(e) !== undefined), {
      message: 'must be comma-separated CIDRs or IP addresses (e.g. 34.118.224.0/20)',
    })
    .default(''),
  /**
   * `true`: Git and Svn resources may name repositories on the API's own machine
   * (`file://` URLs and paths). Off by default: they would read the API's files.
   */
  CYCLONE_ALLOW_LOCAL_REPOSITORIES: z.enum(['true', 'false']).default('false'),
  /** Base URL users and SCM servers reach Cyclone at: webhook URLs and commit-status links. */
  CYCLONE_PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), { message: 'must be an http:// or https:// URL' })
    .optional(),
  // GraphQL query cache (apps/api/src/graphql/query-cache; docs/api.md "Query cache")
  /** Longest a cached query answer is served again (also while nothing changes); 0 turns the cache off. */
  CYCLONE_QUERY_CACHE_MAX_AGE: z
    .string()
    .regex(/^(0|\d+(ms|s|m|h|d))$/, { message: 'must be 0 or a duration like 2s or 500ms' })
    .default('2s'),
  /** Answers kept per API process (least recently used go first). */
  CYCLONE_QUERY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).default(1000),
  /** Body bytes kept per API process, in MiB. */
  CYCLONE_QUERY_CACHE_MAX_MB: z.coerce.number().int().min(0).default(64),
  // observability
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;
