import { apiStatusOf, type KubeClients } from '@cyclone/k8s';

/** The label a platform admin puts on a service account of a tenant namespace to let runs use it. */
export const STAGE_SERVICE_ACCOUNT_GRANT = 'cyclone.dev/stage-service-account';

/**
 * A run's own service account (the original's WorkflowRun spec.serviceAccount) is
 * used only when a platform admin granted it to stages with the label: a tenant
 * member names the account, but only whoever may label service accounts decides
 * which API rights a stage gets. Throws the reason the stage fails with.
 */
export async function requireGrantedServiceAccount(
  clients: KubeClients,
  namespace: string,
  name: string,
): Promise<void> {
  let labels: Record<string, string> | undefined;
  try {
    labels = (await clients.core.readNamespacedServiceAccount({ name, namespace })).metadata?.labels;
  } catch (err) {
    if (apiStatusOf(err) === 404) throw new Error(`service account "${name}" does not exist in namespace ${namespace}`);
    throw err;
  }
  if (labels?.[STAGE_SERVICE_ACCOUNT_GRANT] !== 'true') {
    throw new Error(
      `service account "${name}" of namespace ${namespace} is not granted to stages: a platform admin labels it ${STAGE_SERVICE_ACCOUNT_GRANT}=true`,
    );
  }
}
