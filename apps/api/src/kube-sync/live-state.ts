import { CYCLONE_API_VERSION, type KubernetesObject, type KubernetesObjectApi, LABELS } from '@cyclone/k8s';
import type { DesiredObject, OwnerKey } from './cyclone-objects.js';
import { instanceSelector } from './labels.js';

export type LiveObject = KubernetesObject & { spec?: unknown; data?: Record<string, string> };

/** Kinds the reconciler lists to compare and prune; the rest of a namespace goes with it. */
export const LISTED_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Secret' },
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

/** Every object of this installation, by kind/namespace/name. */
export async function listLive(api: KubernetesObjectApi, instance: string): Promise<Map<string, LiveObject>> {
  const live = new Map<string, LiveObject>();
  for (const { apiVersion, kind } of LISTED_KINDS) {
    const list = await api
      .list<LiveObject>(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        instanceSelector(instance),
      )
      .catch((err: unknown) => {
        if (err instanceof Error && err.message.startsWith('Unrecognized API version and kind')) {
          throw new Error(`${apiVersion} ${kind} is not served: install the CRDs (kubectl apply -k k8s/crds)`);
        }
        throw err;
      });
    for (const item of list.items) live.set(objectKey({ ...item, kind }), { ...item, kind, apiVersion });
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
