import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type KubernetesObject, loadAllYaml } from '@kubernetes/client-node';

type Obj = Record<string, unknown>;

interface Kustomization {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path: string; target: { kind: string; name: string } }[];
}

/** Kinds that have no namespace (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ExecutionCluster',
  'PriorityClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

const FEATURES = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images', 'replicas', 'patches']);

/**
 * Renders the subset of kustomize that k8s/manifests uses: resources (files and
 * folders with a kustomization.yaml), namespace, labels (metadata only), images,
 * replicas and patches of maps (JSON merge patch on a target kind/name). Any
 * other field is refused, so the manifests cannot silently drift from what this
 * renders and what `kubectl apply -k` does.
 */
export function renderKustomization(dir: string): KubernetesObject[] {
  const file = join(dir, 'kustomization.yaml');
  const [k] = loadAllYaml(readFileSync(file, 'utf8')) as (Kustomization & Obj)[];
  if (!k) throw new Error(`${file} is empty`);
  const unknown = Object.keys(k).filter((key) => !FEATURES.has(key));
  if (unknown.length > 0) throw new Error(`${file}: unsupported fields ${unknown.join(', ')}`);

  let objects: KubernetesObject[] = (k.resources ?? []).flatMap((entry) => {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!existsSync(join(path, 'kustomization.yaml'))) throw new Error(`${path} has no kustomization.yaml`);
      return renderKustomization(path);
    }
    return (loadAllYaml(readFileSync(path, 'utf8')) as KubernetesObject[]).filter(Boolean);
  });

  for (const patch of k.patches ?? []) {
    const [body] = loadAllYaml(readFileSync(resolve(dir, patch.path), 'utf8')) as Obj[];
    const target = objects.find((o) => o.kind === patch.target.kind && o.metadata?.name === patch.target.name);
    if (!target) throw new Error(`${file}: patch target ${patch.target.kind}/${patch.target.name} not found`);
    objects = objects.map((o) => (o === target ? (mergePatch(o, body) as KubernetesObject) : o));
  }
  for (const o of objects) {
    if (k.namespace) setNamespace(o, k.namespace);
    for (const { pairs } of k.labels ?? []) o.metadata = { ...o.metadata, labels: { ...o.metadata?.labels, ...pairs } };
    for (const { name, count } of k.replicas ?? []) {
      if (o.metadata?.name === name && (o as Obj).spec) ((o as Obj).spec as Obj).replicas = count;
    }
    for (const image of k.images ?? []) setImage(o, image);
  }
  return objects;
}

/** RFC 7386: maps merge, anything else (lists included) is replaced, null deletes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [key, value] of Object.entries(patch as Obj)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return Object.assign(Object.create(Object.getPrototypeOf(target ?? {})), base);
}

function setNamespace(o: KubernetesObject, namespace: string): void {
  if (!CLUSTER_SCOPED.has(o.kind as string)) o.metadata = { ...o.metadata, namespace };
  // Like kustomize: ServiceAccount subjects of bindings follow the namespace.
  const subjects = (o as Obj).subjects as { kind: string; namespace?: string }[] | undefined;
  for (const subject of subjects ?? []) if (subject.kind === 'ServiceAccount') subject.namespace = namespace;
}

function setImage(o: KubernetesObject, image: { name: string; newName?: string; newTag?: string }): void {
  const pod = ((((o as Obj).spec as Obj | undefined)?.template as Obj | undefined)?.spec ?? undefined) as
    | { containers?: { image?: string }[]; initContainers?: { image?: string }[] }
    | undefined;
  for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    const [name, tag] = splitImage(container.image ?? '');
    if (name !== image.name) continue;
    container.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
  }
}

function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

export const MANIFESTS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../k8s/manifests');
