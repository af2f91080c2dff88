import type { KubernetesObject } from '@cyclone/k8s';
import { managedLabels } from './labels.js';
import { minQuantity } from './quantity.js';

export interface TenantRowForSync {
  id: string;
  name: string;
  quotaCpu: string | null;
  quotaMemory: string | null;
  podSecurity: 'RESTRICTED' | 'BASELINE';
}

/** The Pod Security Admission labels of a tenant's namespace: its level, enforced, warned and audited. */
export function podSecurityLabels(level: TenantRowForSync['podSecurity']): Record<string, string> {
  const name = level === 'BASELINE' ? 'baseline' : 'restricted';
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'warn', 'audit']) {
    labels[`pod-security.kubernetes.io/${mode}`] = name;
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
  }
  return labels;
}

/** Name of a tenant's namespace: `cyclone-<tenant>` (CYCLONE_NAMESPACE_PREFIX in a worker cluster). */
export const tenantNamespace = (tenant: string, prefix = 'cyclone-') => `${prefix}${tenant}`;

export const STAGE_SERVICE_ACCOUNT = 'cyclone-stage';
export const QUOTA_NAME = 'cyclone-quota';
export const LIMIT_RANGE_NAME = 'cyclone-defaults';
export const NETWORK_POLICY_NAME = 'cyclone-default-deny';

/** Per-container defaults; capped by the tenant's quota so one container always fits. */
const DEFAULT_REQUEST = { cpu: '100m', memory: '128Mi' };
const DEFAULT_LIMIT = { cpu: '1', memory: '1Gi' };

/**
 * Everything a tenant's namespace holds besides the custom resources: the
 * namespace itself, its quota and container defaults, the stage pods' service
 * account (without any role: stage pods mount no API token), and a network policy that denies all ingress and
 * allows egress everywhere but the denied CIDRs (stage pods clone, pull and push;
 * nothing needs to reach them).
 * `absent` lists objects that must not exist (a quota that was removed).
 */
export function buildTenantObjects(
  tenant: TenantRowForSync,
  options: { instance: string; prefix?: string; egressDeny?: readonly string[] },
): { objects: KubernetesObject[]; absent: KubernetesObject[] } {
  const namespace = tenantNamespace(tenant.name, options.prefix);
  const labels = managedLabels(options.instance, 'tenant', tenant.id, { tenant: tenant.name });
  const meta = (name: string) => ({ name, namespace, labels });
  const quota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(QUOTA_NAME),
    spec: {
      hard: {
        ...(tenant.quotaCpu ? { 'requests.cpu': tenant.quotaCpu, 'limits.cpu': tenant.quotaCpu } : {}),
        ...(tenant.quotaMemory ? { 'requests.memory': tenant.quotaMemory, 'limits.memory': tenant.quotaMemory } : {}),
      },
    },
  };
  const hasQuota = Boolean(tenant.quotaCpu || tenant.quotaMemory);
  const objects: KubernetesObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: { ...labels, 'kubernetes.io/metadata.name': namespace, ...podSecurityLabels(tenant.podSecurity) },
      },
    },
    ...(hasQuota ? [quota] : []),
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta(LIMIT_RANGE_NAME),
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: {
              cpu: minQuantity(DEFAULT_REQUEST.cpu, tenant.quotaCpu),
              memory: minQuantity(DEFAULT_REQUEST.memory, tenant.quotaMemory),
            },
            // `_default`: client-node's serializer maps its field names to the JSON ones (`default`).
            _default: {
              cpu: minQuantity(DEFAULT_LIMIT.cpu, tenant.quotaCpu),
              memory: minQuantity(DEFAULT_LIMIT.memory, tenant.quotaMemory),
            },
            ...(hasQuota
              ? {
                  max: {
                    ...(tenant.quotaCpu ? { cpu: tenant.quotaCpu } : {}),
                    ...(tenant.quotaMemory ? { memory: tenant.quotaMemory } : {}),
                  },
                }
              : {}),
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(STAGE_SERVICE_ACCOUNT),
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(NETWORK_POLICY_NAME),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: stageEgress(options.egressDeny ?? []) },
    },
  ] as KubernetesObject[];
  // Earlier versions gave the stage account a Role (read runs and pods): stages never
  // call Kubernetes, and a pod's spec is no one else's business, so it has none.
  const formerStageRole = [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(STAGE_SERVICE_ACCOUNT) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(STAGE_SERVICE_ACCOUNT) },
  ] as KubernetesObject[];
  return { objects, absent: [...formerStageRole, ...(hasQuota ? [] : [quota as KubernetesObject])] };
}

/**
 * Egress of stage pods: DNS in kube-system, and every address outside `deny`
 * (CYCLONE_STAGE_EGRESS_DENY: link-local/metadata by default, the API server's
 * addresses when the operator adds them). Nothing denied: allow all.
 */
export function stageEgress(deny: readonly string[]): object[] {
  if (deny.length === 0) return [{}];
  const v4 = deny.filter((cidr) => !cidr.includes(':'));
  const v6 = deny.filter((cidr) => cidr.includes(':'));
  return [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      to: [
        { ipBlock: { cidr: '0.0.0.0/0', ...(v4.length > 0 ? { except: v4 } : {}) } },
        { ipBlock: { cidr: '::/0', ...(v6.length > 0 ? { except: v6 } : {}) } },
      ],
    },
  ];
}
