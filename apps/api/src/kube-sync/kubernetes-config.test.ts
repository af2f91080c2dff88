import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';

describe('Kubernetes configuration', () => {
  it('is off by default, even inside a pod', () => {
    expect(loadConfig({}).kubernetes).toBeUndefined();
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }).kubernetes).toBeUndefined();
  });

  it('is on with a kubeconfig, with documented defaults', () => {
    const config = loadConfig({
      CYCLONE_KUBECONFIG: '/etc/cyclone/kubeconfig',
      CYCLONE_POD_NAME: 'cyclone-controller-0',
    });
    expect(config.kubernetes).toEqual({
      kubeconfigPath: '/etc/cyclone/kubeconfig',
      namespace: 'cyclone-system',
      instance: 'cyclone',
      resyncIntervalMs: 30_000,
      gitopsUser: undefined,
      identity: 'cyclone-controller-0',
      stagePods: {
        gcDelayMs: 600_000,
        helperImage: 'cyclone/stage-helper:latest',
        apiUrl: 'http://localhost:4000',
        podDefaults: {},
        workspaceSize: '1Gi',
        // Link-local, where cloud metadata answers.
        egressDeny: ['169.254.0.0/16', 'fe80::/10'],
      },
    });
  });

  it('reads the stage pod settings', () => {
    const config = loadConfig({
      CYCLONE_KUBECONFIG: '/k',
      CYCLONE_PUBLIC_URL: 'https://ci.example.com/',
      CYCLONE_POD_GC_DELAY: '30s',
      CYCLONE_STAGE_POD_DEFAULTS: '{"nodeSelector":{"pool":"ci"}}',
    });
    expect(config.kubernetes?.stagePods).toMatchObject({
      gcDelayMs: 30_000,
      apiUrl: 'https://ci.example.com',
      podDefaults: { nodeSelector: { pool: 'ci' } },
    });
    expect(
      loadConfig({ CYCLONE_KUBECONFIG: '/k', CYCLONE_STAGE_API_URL: 'http://cyclone-api:4000' }).kubernetes?.stagePods
        .apiUrl,
    ).toBe('http://cyclone-api:4000');
    expect(() => loadConfig({ CYCLONE_KUBECONFIG: '/k', CYCLONE_STAGE_POD_DEFAULTS: '[1]' })).toThrow(
      'CYCLONE_STAGE_POD_DEFAULTS',
    );
  });

  it('detects the pod with CYCLONE_IN_CLUSTER=auto and uses the service account', () => {
    expect(loadConfig({ CYCLONE_IN_CLUSTER: 'auto' }).kubernetes).toBeUndefined();
    const config = loadConfig({ CYCLONE_IN_CLUSTER: 'auto', KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    expect(config.kubernetes?.kubeconfigPath).toBeUndefined();
    expect(loadConfig({ CYCLONE_IN_CLUSTER: 'true' }).kubernetes).toBeDefined();
  });

  it('names invalid Kubernetes settings', () => {
    expect(() => loadConfig({ CYCLONE_NAMESPACE: 'Not_A_Namespace', CYCLONE_RESYNC_INTERVAL: 'often' })).toThrow(
      /CYCLONE_NAMESPACE[\s\S]*CYCLONE_RESYNC_INTERVAL/,
    );
    // Addresses are not CIDRs: a NetworkPolicy ipBlock takes only CIDRs.
    expect(() => loadConfig({ CYCLONE_STAGE_EGRESS_DENY: '169.254.169.254' })).toThrow(/CYCLONE_STAGE_EGRESS_DENY/);
  });
});
