export type {
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  KubernetesObjectApi,
  ObjectCache,
  RbacV1Subject,
  V1Container,
  V1HostAlias,
  V1Lease,
  V1Namespace,
  V1Pod,
  V1PodSpec,
  V1Probe,
  V1ResourceAttributes,
  V1RoleBinding,
  V1Secret,
} from '@kubernetes/client-node';
export { loadAllYaml, makeInformer, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
export * from './apply.js';
export * from './client.js';
export * from './crds/files.js';
export * from './crds/types.js';
export * from './kustomize.js';
export * from './plain-kube.js';
export * from './tenant-kubeconfig.js';
