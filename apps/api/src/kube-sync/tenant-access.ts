import {
  apiStatusOf,
  applyObject,
  type KubeClients,
  type KubernetesObject,
  LABELS,
  MANAGED_BY,
  type RbacV1Subject,
  type V1RoleBinding,
} from '@cyclone/k8s';
import { INSTANCE_LABEL } from './labels.js';

/**
 * The controller's rights inside tenant namespaces (k8s/manifests/base/rbac.yaml):
 * ClusterRole `cyclone-tenant`, bound in each tenant namespace by RoleBinding
 * `cyclone-controller`, which the controller creates with the namespace. Its
 * cluster-wide role may create RoleBindings only to bind that ClusterRole (`bind`
 * with resourceNames), and the admission policy `cyclone-controller` allows them only
 * in Cyclone's namespaces and only for the controller itself.
 */
export const TENANT_CLUSTER_ROLE = 'cyclone-tenant';
export const TENANT_BINDING = 'cyclone-controller';

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;
/** A new binding reaches the API server's authorizer within milliseconds; this is its limit. */
const BINDING_WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A username as the subject of a RoleBinding: a ServiceAccount when it is one, else a User. */
export function subjectOf(username: string): RbacV1Subject {
  const account = SERVICE_ACCOUNT_USER.exec(username);
  if (account) return { kind: 'ServiceAccount', namespace: account[1], name: account[2] as string };
  return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: username };
}

/** The RoleBinding that gives the controller ClusterRole cyclone-tenant in one tenant namespace. */
export function tenantBinding(namespace: string, subject: RbacV1Subject, instance: string): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: TENANT_BINDING,
      namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [INSTANCE_LABEL]: instance },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_CLUSTER_ROLE },
    subjects: [subject],
  };
}

/** Creates tenant namespaces and binds the controller in them. */
export class TenantAccess {
  private subject?: Promise<RbacV1Subject>;

  constructor(private readonly deps: { clients: KubeClients; instance: string }) {}

  /** Who this controller is, from the API server (SelfSubjectReview), once per process. */
  whoAmI(): Promise<RbacV1Subject> {
    this.subject ??= this.deps.clients.authentication.createSelfSubjectReview({ body: {} }).then((review) => {
      const username = review.status?.userInfo?.username;
      if (!username) throw new Error('the API server did not say who this controller is (SelfSubjectReview)');
      return subjectOf(username);
    });
    this.subject.catch(() => {
      this.subject = undefined;
    });
    return this.subject;
  }

  /**
   * A tenant namespace that is not there yet: created (a plain create, the one
   * cluster-wide write on namespaces the controller may make), then the controller is
   * bound in it. One that exists without being listed as this installation's is
   * applied after binding (the admission policy refuses the binding unless it is
   * labelled as Cyclone's).
   */
  async createNamespace(object: KubernetesObject): Promise<KubernetesObject> {
    const name = object.metadata?.name as string;
    let created: KubernetesObject | undefined;
    try {
      created = await this.deps.clients.core.createNamespace({ body: object });
    } catch (err) {
      if (apiStatusOf(err) !== 409) throw err;
    }
    await this.bind(name);
    return created ?? applyObject(this.deps.clients.objects, object);
  }

  /**
   * Creates the controller's RoleBinding in a tenant namespace and waits until the API
   * server authorizes by it. False when it was there already (a refusal has another cause).
   */
  async bind(namespace: string): Promise<boolean> {
    const body = tenantBinding(namespace, await this.whoAmI(), this.deps.instance);
    try {
      await this.deps.clients.rbac.createNamespacedRoleBinding({ namespace, body });
    } catch (err) {
      if (apiStatusOf(err) === 409) return false;
      throw err;
    }
    await this.untilAuthorized(namespace);
    return true;
  }

  /** Waits until the controller may patch the namespace itself, which only its binding grants. */
  private async untilAuthorized(namespace: string): Promise<void> {
    const deadline = Date.now() + BINDING_WAIT_MS;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      const review = await this.deps.clients.authorization.createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { namespace, verb: 'patch', resource: 'namespaces', name: namespace } },
        },
      });
      if (review.status?.allowed) return;
      if (Date.now() > deadline) {
        throw new Error(
          `RoleBinding ${TENANT_BINDING} in ${namespace} is not in force: is ClusterRole ${TENANT_CLUSTER_ROLE} installed?`,
        );
      }
      await sleep(delay);
    }
  }
}
