import {
  apiStatusOf,
  CYCLONE_API_VERSION,
  type KubernetesObject,
  type KubernetesObjectApi,
  LABELS,
} from '@cyclone/k8s';
import type { DesiredObject, OwnerKey } from './cyclone-objects.js';
import { instanceSelector } from './labels.js';

export type LiveObject = KubernetesObject & { spec?: unknown; data?: Record<string, string> };

/**
 * Kinds the reconciler lists to compare and prune; the rest of a namespace goes with
 * it. Secrets are listed namespace by namespace (tenant namespaces and Cyclone's
 * own), as the controller may read them nowhere else; the rest cluster-wide.
 */
export const LISTED_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Secret', isPerNamespace: true },
  { apiVersion: CYCLONE_API_VERSION, kind: 'ExecutionCluster' },
  { apiVersion: CYCLONE_API_VERSION, kind: 'Project' },
  { apiVersion: CYCLONE_API_VERSION, kind: 'Resource' },
  { apiVersion: CYCLONE_API_VERSION, kind: 'Stage' },
  { apiVersion: CYCLONE_API_VERSION, kind: 'Workflow' },
  { apiVersion: CYCLONE_API_VERSION, kind: 'WorkflowTrigger' },
] as const;

const LISTED = new Set<string>(LISTED_KINDS.map((k) => k.kind));

export function objectKey(o: { kind?: string; metadata?: { namespace?: string; name?: string } }): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

export const ownerKeyOf = (owner: OwnerKey) => `${owner.kind}/${owner.namespace}/${owner.name}`;

export interface ListLiveOptions {
  /** CYCLONE_NAMESPACE: the kubeconfig Secrets of worker clusters. */
  ownNamespace: string;
  /**
   * A tenant namespace refused a list (403): true when access was repaired (the
   * controller's RoleBinding was missing) and the list is worth one more try.
   */
  onForbidden?: (namespace: string) => Promise<boolean>;
}

/** Every object of this installation, by kind/namespace/name. */
export async function listLive(
  api: KubernetesObjectApi,
  instance: string,
  options: ListLiveOptions,
): Promise<Map<string, LiveObject>> {
  const live = new Map<string, LiveObject>();
  const list = (apiVersion: string, kind: string, namespace?: string) =>
    api
      .list<LiveObject>(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        // Only Secrets this mirror writes carry an object type: a stage pod's Secret (same
        // managed-by and instance labels) is the executor's, never pruned here.
        kind === 'Secret' ? `${instanceSelector(instance)},${LABELS.objectType}` : instanceSelector(instance),
      )
      .catch((err: unknown) => {
        if (err instanceof Error && err.message.startsWith('Unrecognized API version and kind')) {
          throw new Error(`${apiVersion} ${kind} is not served: install the CRDs (kubectl apply -k k8s/crds)`);
        }
        throw err;
      });
  const add = (items: LiveObject[], apiVersion: string, kind: string) => {
    for (const item of items) live.set(objectKey({ ...item, kind }), { ...item, kind, apiVersion });
  };
  for (const kind of LISTED_KINDS) {
    if (!('isPerNamespace' in kind)) add((await list(kind.apiVersion, kind.kind)).items, kind.apiVersion, kind.kind);
  }
  const tenantNamespaces = [...live.values()].filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name);
  for (const namespace of [options.ownNamespace, ...tenantNamespaces]) {
    if (!namespace) continue;
    const secrets = await list('v1', 'Secret', namespace).catch(async (err: unknown) => {
      if (apiStatusOf(err) !== 403 || namespace === options.ownNamespace) throw err;
      // Left out of this pass (nothing of it is pruned); its groups record the refusal.
      if (!(await options.onForbidden?.(namespace))) return { items: [] };
      return list('v1', 'Secret', namespace);
    });
    add(secrets.items, 'v1', 'Secret');
  }
  return live;
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const includes = (live: Record<string, string> | undefined, want: Record<string, string> | undefined) =>
  Object.entries(want ?? {}).every(([k, v]) => live?.[k] === v);

/**
 * Whether the live object differs from what Cyclone wants: missing, a label or
 * annotation changed, another owner, or (for the listed kinds) another spec or
 * data. Unlisted kinds are applied every pass (a no-op apply writes nothing).
 */
export function needsApply(desired: DesiredObject['object'], live: LiveObject | undefined, ownerUid?: string): boolean {
  if (!live || !LISTED.has(desired.kind as string)) return true;
  if (live.metadata?.deletionTimestamp) return true;
  if (!includes(live.metadata?.labels, desired.metadata?.labels)) return true;
  if (!includes(live.metadata?.annotations, desired.metadata?.annotations)) return true;
  if (ownerUid && !live.metadata?.ownerReferences?.some((r) => r.uid === ownerUid)) return true;
  if ((desired.metadata?.finalizers ?? []).some((f) => !live.metadata?.finalizers?.includes(f))) return true;
  if ('spec' in desired && stable(desired.spec) !== stable(live.spec)) return true;
  if ('data' in desired && stable(desired.data) !== stable(live.data ?? {})) return true;
  return false;
}

export const idOf = (o: KubernetesObject) => o.metadata?.labels?.[LABELS.id];
export const typeOf = (o: KubernetesObject) => o.metadata?.labels?.[LABELS.objectType];
