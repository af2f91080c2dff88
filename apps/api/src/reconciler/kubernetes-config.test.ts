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
      identity: 'cyclone-controller-0',
    });
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
  });
});
