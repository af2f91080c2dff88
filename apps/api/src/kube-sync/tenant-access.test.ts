import { describe, expect, it } from 'vitest';
import { subjectOf, TENANT_CLUSTER_ROLE, tenantBinding } from './tenant-access.js';

describe('the controller binding of a tenant namespace', () => {
  it('names a ServiceAccount as one, anyone else as a User', () => {
    expect(subjectOf('system:serviceaccount:cyclone-system:cyclone-controller')).toEqual({
      kind: 'ServiceAccount',
      namespace: 'cyclone-system',
      name: 'cyclone-controller',
    });
    expect(subjectOf('ops@example.com')).toEqual({
      kind: 'User',
      apiGroup: 'rbac.authorization.k8s.io',
      name: 'ops@example.com',
    });
    // Not a ServiceAccount name (too many parts): a User, so no account is bound by mistake.
    expect(subjectOf('system:serviceaccount:a:b:c').kind).toBe('User');
  });

  it('binds ClusterRole cyclone-tenant in that namespace only, labelled as the installation', () => {
    const subject = subjectOf('system:serviceaccount:cyclone-system:cyclone-controller');
    expect(tenantBinding('cyclone-acme', subject, 'cyclone')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: 'cyclone-controller',
        namespace: 'cyclone-acme',
        labels: { 'app.kubernetes.io/managed-by': 'cyclone', 'cyclone.dev/instance': 'cyclone' },
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TENANT_CLUSTER_ROLE },
      subjects: [subject],
    });
  });
});
