import type { RequestOptions } from 'node:https';
import { inClusterKubeConfig, type KubeConfig, kubeConfigFromString } from '@cyclone/k8s';
import { OPERATOR_TARGET_POLICY } from '../outbound/outbound-policy.js';
import { httpRequest, joinUrl, parseJson } from './check-http-client.js';
import { CheckError, hostOf, statusError } from './check-result.js';

export interface KubernetesSettings {
  kubeconfig?: string;
  inCluster?: boolean;
  timeoutMs: number;
}

/**
 * `GET /version` on the cluster of the kubeconfig's current context, with its CA,
 * client certificate or token (the client library fills the TLS and auth options).
 */
export async function checkKubernetes(settings: KubernetesSettings): Promise<string> {
  const kc = loadConfig(settings);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new CheckError('RESPONSE', 'the kubeconfig names no cluster server', 'BAD_KUBECONFIG');
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers = Object.fromEntries(
    Object.entries((options.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
  const what = `Kubernetes ${hostOf(cluster.server)}`;
  const answer = await httpRequest(joinUrl(cluster.server, '/version'), {
    timeoutMs: settings.timeoutMs,
    // The pod's own API server is the operator's, not tenant input; a kubeconfig's server goes through the policy.
    ...(settings.kubeconfig ? {} : { policy: OPERATOR_TARGET_POLICY }),
    headers,
    tls: {
      ca: options.ca as string | Buffer | undefined,
      cert: options.cert as string | Buffer | undefined,
      key: options.key as string | Buffer | undefined,
      rejectUnauthorized: options.rejectUnauthorized,
    },
  });
  if (answer.status !== 200) throw statusError(answer.status, what);
  const version = parseJson<{ gitVersion?: string }>(answer, what);
  return `${what} answered /version: ${version.gitVersion ?? 'unknown version'}`;
}

function loadConfig(settings: KubernetesSettings): KubeConfig {
  try {
    if (settings.kubeconfig) return kubeConfigFromString(settings.kubeconfig);
    if (settings.inCluster) return inClusterKubeConfig();
  } catch (error) {
    throw new CheckError('RESPONSE', `the kubeconfig cannot be used: ${(error as Error).message}`, 'BAD_KUBECONFIG');
  }
  throw new CheckError(
    'RESPONSE',
    'a KUBERNETES integration needs a kubeconfig secret or config.inCluster',
    'BAD_KUBECONFIG',
  );
}
