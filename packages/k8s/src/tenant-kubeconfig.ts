import type { LookupFunction } from 'node:net';
import { type Cluster, type Context, KubeConfig, loadYaml, type User } from '@kubernetes/client-node';
import { reuseConnections } from './connection-reuse.js';

/**
 * Kubeconfigs that tenants give (KUBERNETES integrations) are loaded with the
 * credentials they carry inline and nothing else: fields that would run a command
 * in the process that loads them (`exec`, `auth-provider`) or read its filesystem
 * (`token-file`, `client-certificate`, `client-key`, `certificate-authority`), and
 * `proxy-url` (the connection would go to a host nobody checked), are refused, as is
 * any field this loader does not know. The `-data` forms stay allowed.
 */

/** A refused kubeconfig; `path` names the field, e.g. `users[0].user.exec`. */
export class KubeconfigRefusedError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'KubeconfigRefusedError';
  }
}

const RUNS_A_COMMAND = 'runs a command in Cyclone; use a token or an inline client certificate (`-data`) instead';
const READS_A_FILE = (data: string) => `reads a file on Cyclone's machine; give the content inline as \`${data}\``;

const REFUSED_USER_FIELDS: Record<string, string> = {
  exec: RUNS_A_COMMAND,
  'auth-provider': RUNS_A_COMMAND,
  'token-file': READS_A_FILE('token'),
  tokenFile: READS_A_FILE('token'),
  'client-certificate': READS_A_FILE('client-certificate-data'),
  'client-key': READS_A_FILE('client-key-data'),
};
const REFUSED_CLUSTER_FIELDS: Record<string, string> = {
  'certificate-authority': READS_A_FILE('certificate-authority-data'),
  'proxy-url': 'sends the connection through a proxy the outbound policy cannot check; reach the server directly',
};
const USER_FIELDS = new Set([
  'token',
  'username',
  'password',
  'client-certificate-data',
  'client-key-data',
  'as',
  'as-groups',
  'as-uid',
  'as-user-extra',
  'extensions',
]);
const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'disable-compression',
  'extensions',
]);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace', 'extensions']);
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'clusters', 'contexts', 'users', 'current-context', 'preferences']);

type Entry = Record<string, unknown>;

/** Parses and checks a tenant's kubeconfig; throws KubeconfigRefusedError naming the first bad field. */
export function parseTenantKubeconfig(text: string): KubeConfig {
  let document: unknown;
  try {
    document = loadYaml(text);
  } catch (error) {
    throw new KubeconfigRefusedError('kubeconfig', `is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const root = objectAt(document, 'kubeconfig');
  checkFields(root, ROOT_FIELDS, {}, '');
  const clusters = listAt(root.clusters, 'clusters').map((entry, i): Cluster => {
    const path = `clusters[${i}]`;
    const item = objectAt(entry, path);
    const cluster = objectAt(item.cluster, `${path}.cluster`);
    checkFields(cluster, CLUSTER_FIELDS, REFUSED_CLUSTER_FIELDS, `${path}.cluster.`);
    return {
      name: stringAt(item.name, `${path}.name`),
      server: stringAt(cluster.server, `${path}.cluster.server`).replace(/\/$/, ''),
      caData: optionalString(cluster['certificate-authority-data'], `${path}.cluster.certificate-authority-data`),
      skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: optionalString(cluster['tls-server-name'], `${path}.cluster.tls-server-name`),
    };
  });
  const users = listAt(root.users, 'users').map((entry, i): User => {
    const path = `users[${i}]`;
    const item = objectAt(entry, path);
    const user = item.user === undefined || item.user === null ? {} : objectAt(item.user, `${path}.user`);
    checkFields(user, USER_FIELDS, REFUSED_USER_FIELDS, `${path}.user.`);
    return {
      name: stringAt(item.name, `${path}.name`),
      token: optionalString(user.token, `${path}.user.token`),
      username: optionalString(user.username, `${path}.user.username`),
      password: optionalString(user.password, `${path}.user.password`),
      certData: optionalString(user['client-certificate-data'], `${path}.user.client-certificate-data`),
      keyData: optionalString(user['client-key-data'], `${path}.user.client-key-data`),
      impersonateUser: optionalString(user.as, `${path}.user.as`),
    };
  });
  const contexts = listAt(root.contexts, 'contexts').map((entry, i): Context => {
    const path = `contexts[${i}]`;
    const item = objectAt(entry, path);
    const context = objectAt(item.context, `${path}.context`);
    checkFields(context, CONTEXT_FIELDS, {}, `${path}.context.`);
    return {
      name: stringAt(item.name, `${path}.name`),
      cluster: stringAt(context.cluster, `${path}.context.cluster`),
      user: optionalString(context.user, `${path}.context.user`) as string,
      namespace: optionalString(context.namespace, `${path}.context.namespace`),
    };
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters,
    users,
    contexts,
    currentContext: optionalString(root['current-context'], 'current-context'),
  });
  if (!kc.getCurrentCluster())
    throw new KubeconfigRefusedError('current-context', 'names no cluster of this kubeconfig');
  return kc;
}

/** Checks a connection is allowed before it is made (Cyclone's outbound policy, apps/api). */
export interface ConnectGuard {
  /** Resolves a name and refuses addresses that may not be reached, before any socket opens. */
  lookup: LookupFunction;
  /** Throws for a server whose host is an IP literal that may not be reached (literals skip lookup). */
  checkHost(hostname: string): void;
}

/**
 * Every connection of the clients made from this KubeConfig (API calls, watches)
 * goes through the guard: its agents resolve names with the guard's lookup, and a
 * literal server address is checked before each request.
 */
export function guardConnections(kc: KubeConfig, guard: ConnectGuard): KubeConfig {
  // The guard wraps the reuse of agents, so it checks every request, not only those that connect.
  reuseConnections(kc);
  // KubeConfig asks its (private) createAgent for each request's agent: wrap it on this instance.
  type CreateAgent = (cluster: Cluster | null, agentOptions: Record<string, unknown>) => unknown;
  const createAgent = (Reflect.get(kc, 'createAgent') as CreateAgent).bind(kc);
  const guarded: CreateAgent = (cluster, agentOptions) => {
    if (cluster?.server) guard.checkHost(new URL(cluster.server).hostname.replace(/^\[|\]$/g, ''));
    return createAgent(cluster, { ...agentOptions, lookup: guard.lookup });
  };
  Reflect.set(kc, 'createAgent', guarded);
  return kc;
}

function checkFields(object: Entry, known: Set<string>, refused: Record<string, string>, prefix: string): void {
  for (const key of Object.keys(object)) {
    const reason = refused[key];
    if (reason) throw new KubeconfigRefusedError(`${prefix}${key}`, reason);
    if (!known.has(key)) throw new KubeconfigRefusedError(`${prefix}${key}`, 'is not a field Cyclone accepts here');
  }
}

function objectAt(value: unknown, path: string): Entry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KubeconfigRefusedError(path, 'must be a mapping');
  }
  return value as Entry;
}

function listAt(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeconfigRefusedError(path, 'must be a list');
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new KubeconfigRefusedError(path, 'must be a non-empty string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KubeconfigRefusedError(path, 'must be a string');
  return value;
}
