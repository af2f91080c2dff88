// The controller as the manifests deploy it: the ServiceAccount, ClusterRoles,
// bindings, Role and admission policies of k8s/manifests/base, applied as shipped
// (only the namespace changed, as the kustomize namespace transformer changes it),
// and clients that authenticate with a token of that ServiceAccount, nothing else.
import { join } from 'node:path';
import {
  apiStatusOf,
  applyObject,
  type KubeClients,
  type KubernetesObject,
  MANIFESTS_DIR,
  makeClients,
  renderKustomization,
  tokenKubeConfig,
} from '@cyclone/k8s';
import { waitFor } from './wait.js';

export const CONTROLLER_ACCOUNT = 'cyclone-controller';

/** What the controller's identity is made of in k8s/manifests/base. */
const IDENTITY_KINDS = new Set([
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/** The base's RBAC and admission objects, with Cyclone's namespace set to `namespace`. */
export function shippedIdentityObjects(namespace: string): KubernetesObject[] {
  return renderKustomization(join(MANIFESTS_DIR, 'base'))
    .filter((o) => IDENTITY_KINDS.has(o.kind as string))
    .filter((o) => o.kind !== 'ServiceAccount' || o.metadata?.name === CONTROLLER_ACCOUNT)
    .map((o) => {
      const object = structuredClone(o) as KubernetesObject & { subjects?: { kind: string; namespace?: string }[] };
      if (object.metadata?.namespace) object.metadata.namespace = namespace;
      for (const subject of object.subjects ?? []) if (subject.kind === 'ServiceAccount') subject.namespace = namespace;
      return object;
    });
}

/**
 * Installs the shipped identity with the admin clients and returns clients of the
 * controller's ServiceAccount (a bound token, an hour long). Waits until the
 * admission policies are in force (they load a moment after they are written).
 */
export async function controllerClients(admin: KubeClients, namespace: string): Promise<KubeClients> {
  for (const object of shippedIdentityObjects(namespace)) await applyObject(admin.objects, object);
  const request = await admin.core.createNamespacedServiceAccountToken({
    name: CONTROLLER_ACCOUNT,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const clients = makeClients(tokenKubeConfig(admin.kc, request.status?.token as string, CONTROLLER_ACCOUNT));
  // A namespace outside Cyclone's naming, as a dry run: refused once the policy is loaded.
  await waitFor(
    () =>
      clients.core.createNamespace({ body: { metadata: { name: 'policy-probe' } }, dryRun: 'All' }).then(
        () => false,
        (err: unknown) =>
          apiStatusOf(err) === 403 && String((err as { body?: string }).body).includes('ValidatingAdmissionPolicy'),
      ),
    { what: 'the admission policies to be in force', timeoutMs: 30_000, intervalMs: 200 },
  );
  return clients;
}
