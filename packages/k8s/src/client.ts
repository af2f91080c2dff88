import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';

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
  watch: Watch;
}

export function makeClients(kc: KubeConfig): KubeClients {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    customObjects: kc.makeApiClient(CustomObjectsApi),
    apiextensions: kc.makeApiClient(ApiextensionsV1Api),
    watch: new Watch(kc),
  };
}
