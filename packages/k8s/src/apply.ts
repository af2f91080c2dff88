import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';

/** The one field manager Cyclone applies with: every write of desired state uses it. */
export const FIELD_MANAGER = 'cyclone';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  tenant: 'cyclone.dev/tenant',
  project: 'cyclone.dev/project',
  workflow: 'cyclone.dev/workflow',
  /** Database id of the object a Kubernetes object mirrors. */
  id: 'cyclone.dev/id',
  /** Kind of database row the object mirrors (tenant, project, integration, …). */
  objectType: 'cyclone.dev/object-type',
} as const;

export const MANAGED_BY = 'cyclone';
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/** HTTP status of a client-node ApiException, if it is one. */
export function apiStatusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's message of a failed request (Status.message), else the error's. */
export function apiMessageOf(err: unknown): string {
  const body = (err as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      // not JSON: fall through
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Server-side apply with Cyclone's field manager and `force`: Cyclone owns the
 * fields it sets, and a hand edit of one of them is overwritten on the next pass.
 */
export async function applyObject<T extends KubernetesObject>(
  api: KubernetesObjectApi,
  object: T,
  options: { dryRun?: boolean } = {},
): Promise<T> {
  return api.patch<T>(
    object,
    undefined,
    options.dryRun ? 'All' : undefined,
    FIELD_MANAGER,
    true,
    'application/apply-patch+yaml',
  );
}

/** Deletes an object; one that is already gone counts as deleted. */
export async function deleteObject(
  api: KubernetesObjectApi,
  object: KubernetesObject,
  propagationPolicy: 'Background' | 'Foreground' = 'Background',
): Promise<void> {
  try {
    await api.delete(object, undefined, undefined, undefined, undefined, propagationPolicy);
  } catch (err) {
    if (apiStatusOf(err) !== 404) throw err;
  }
}

/**
 * Drops the API discovery cache of a KubernetesObjectApi. It caches each
 * apiVersion's resource list forever, so a client that first looked while CRDs
 * were being installed would never see the rest; long-lived callers forget it
 * once per pass.
 */
export function forgetDiscovery(api: KubernetesObjectApi): void {
  (api as unknown as { apiVersionResourceCache: Record<string, unknown> }).apiVersionResourceCache = {};
}
