import {
  ApiextensionsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  Watch,
} from '@kubernetes/client-node';
import { reuseConnections } from './connection-reuse.js';
import { PlainKube } from './plain-kube.js';
import { type ConnectGuard, guardConnections, parseTenantKubeconfig } from './tenant-kubeconfig.js';

export interface LoadKubeConfigOptions {
  /**
   * Path of a kubeconfig file. When omitted, the usual defaults apply:
   * $KUBECONFIG, ~/.kube/config, then the in-cluster service account.
   */
  kubeconfigPath?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfigPath) {
    kc.loadFromFile(opts.kubeconfigPath);
  } else {
    kc.loadFromDefault();
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  if (!kc.getCurrentCluster()) {
    throw new Error(`kubeconfig${opts.kubeconfigPath ? ` ${opts.kubeconfigPath}` : ''} has no current cluster`);
  }
  return kc;
}

export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  customObjects: CustomObjectsApi;
  apiextensions: ApiextensionsV1Api;
  /** Any kind by apiVersion/kind: server-side apply, list, delete. */
  objects: KubernetesObjectApi;
  coordination: CoordinationV1Api;
  /** Who this client is (SelfSubjectReview). */
  authentication: AuthenticationV1Api;
  /** What this client may do (SelfSubjectAccessReview). */
  authorization: AuthorizationV1Api;
  rbac: RbacAuthorizationV1Api;
  watch: Watch;
  /** JSON requests without the typed model, for the writes every run makes (plain-kube.ts). */
  plain: PlainKube;
}

/** Clients of every API Cyclone uses, over kept-alive connections (see reuseConnections). */
export function makeClients(kc: KubeConfig): KubeClients {
  reuseConnections(kc);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    customObjects: kc.makeApiClient(CustomObjectsApi),
    apiextensions: kc.makeApiClient(ApiextensionsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
    coordination: kc.makeApiClient(CoordinationV1Api),
    authentication: kc.makeApiClient(AuthenticationV1Api),
    authorization: kc.makeApiClient(AuthorizationV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    watch: new Watch(kc),
    plain: new PlainKube(kc),
  };
}

/**
 * A kubeconfig given as text by a tenant (a KUBERNETES integration's secret): checked
 * by parseTenantKubeconfig (no exec or auth-provider plugins, no file paths, no proxy),
 * and with a guard every connection passes it first.
 */
export function kubeConfigFromString(text: string, guard?: ConnectGuard): KubeConfig {
  const kc = parseTenantKubeconfig(text);
  return guard ? guardConnections(kc, guard) : kc;
}

/** The service account of the pod this process runs in. */
export function inClusterKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromCluster();
  return kc;
}

/** The cluster of `kc` with a bearer token (e.g. a ServiceAccount's) as the only credential. */
export function tokenKubeConfig(kc: KubeConfig, token: string, user = 'token'): KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const withToken = new KubeConfig();
  withToken.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return withToken;
}
