export type {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  KubernetesObjectApi,
  V1Lease,
  V1Namespace,
  V1Secret,
} from '@kubernetes/client-node';
export type { Informer, ObjectCache, V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node';
export { loadAllYaml, makeInformer, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
export * from './apply.js';
export * from './client.js';
export * from './crds/files.js';
export * from './crds/types.js';
