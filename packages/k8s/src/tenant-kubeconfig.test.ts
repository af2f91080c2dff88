import { describe, expect, it } from 'vitest';
import { KubeconfigRefusedError, parseTenantKubeconfig } from './tenant-kubeconfig.js';

const config = (user: string, cluster = 'server: "https://k8s.example:6443"') =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {${cluster}}}]`,
    `users: [{name: u, user: ${user}}]`,
    'contexts: [{name: x, context: {cluster: c, user: u, namespace: ci}}]',
    'current-context: x',
  ].join('\n');

const refusal = (text: string) => {
  try {
    parseTenantKubeconfig(text);
  } catch (error) {
    if (error instanceof KubeconfigRefusedError) return error.path;
    throw error;
  }
  return undefined;
};

describe('parseTenantKubeconfig', () => {
  it('loads inline credentials', () => {
    const kc = parseTenantKubeconfig(
      config('{token: abc}', 'server: "https://k8s.example:6443/", certificate-authority-data: eA=='),
    );
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://k8s.example:6443', caData: 'eA==' });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'u', token: 'abc' });
    expect(kc.getContextObject('x')).toMatchObject({ namespace: 'ci' });
  });

  it('refuses what runs a command, reads a file or goes through a proxy, naming the field', () => {
    expect(refusal(config('{exec: {command: sh}}'))).toBe('users[0].user.exec');
    expect(refusal(config('{auth-provider: {name: oidc}}'))).toBe('users[0].user.auth-provider');
    expect(refusal(config('{token-file: /etc/passwd}'))).toBe('users[0].user.token-file');
    expect(refusal(config('{client-certificate: /a, client-key-data: eA==}'))).toBe('users[0].user.client-certificate');
    expect(refusal(config('{client-key: /a}'))).toBe('users[0].user.client-key');
    expect(refusal(config('{token: t}', 'server: "https://a", certificate-authority: /ca'))).toBe(
      'clusters[0].cluster.certificate-authority',
    );
    expect(refusal(config('{token: t}', 'server: "https://a", proxy-url: "http://p"'))).toBe(
      'clusters[0].cluster.proxy-url',
    );
    expect(refusal(config('{tokn: t}'))).toBe('users[0].user.tokn');
  });

  it('sees through YAML merge keys and anchors', () => {
    const merged = [
      'plugin: &plugin {exec: {command: sh}}',
      'apiVersion: v1',
      'clusters: [{name: c, cluster: {server: "https://a"}}]',
      'users: [{name: u, user: {<<: *plugin}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
    expect(refusal(merged)).toBe('plugin');
    expect(
      refusal(
        merged.replace('plugin: &plugin {exec: {command: sh}}\n', 'preferences: &plugin {exec: {command: sh}}\n'),
      ),
    ).toBe('users[0].user.exec');
  });

  it('needs a current context that names a cluster, and YAML', () => {
    expect(refusal(config('{token: t}').replace('current-context: x', 'current-context: y'))).toBe('current-context');
    expect(refusal('clusters: [')).toBe('kubeconfig');
  });
});
