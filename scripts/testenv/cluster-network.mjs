// Service routing and DNS of the test cluster, only when its real node runs
// (real-node.mjs starts them after the node is Ready, in the same network namespace):
//
//   kube-proxy (build.sh, iptables mode)  ClusterIPs and NodePorts of Services, for pods
//       on the CNI bridge and for processes in the namespace. masqueradeAll: a pod
//       reaching a Service on the same bridge gets its reply back through the
//       namespace's stack, where the DNAT is undone. Conntrack sysctls are left as they are.
//   CoreDNS (build-go-tool.sh coredns)    the kubernetes plugin on port 53 of the namespace
//       (pods ask NODE_IP), reading the
//       test apiserver; the kubelet's clusterDNS. Names outside cluster.local are not
//       answered: nothing is forwarded out of the namespace.
//
//   const network = await startClusterNetwork({ dir, kubeconfigPath, binDir, nodeName, nodeIp, podSubnet, spawn });
//   network.pids  // { 'kube-proxy', coredns }: the caller stops them with the node
import { execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_CLUSTER_IP_RANGE } from './control-plane.mjs';
import { sleep } from './tool-process.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CLUSTER_DOMAIN = 'cluster.local';
const START_TIMEOUT_MS = 60_000;

/** CoreDNS of build-go-tool.sh (cached; `npm test`'s set-up builds it). */
export function corednsBinary() {
  return execFileSync('bash', [resolve(HERE, 'build-go-tool.sh'), 'coredns'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1);
}

function kubeProxyConfig({ kubeconfigPath, nodeName, podSubnet }) {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${kubeconfigPath}
hostnameOverride: ${nodeName}
clusterCIDR: ${podSubnet}
mode: iptables
iptables:
  masqueradeAll: true
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
# Negative scores are refused on this machine (REAL-CONTAINERS.md).
oomScoreAdj: 0
`;
}

function corefile({ kubeconfigPath }) {
  return `.:53 {
    errors
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfigPath}
        pods insecure
        ttl 5
    }
}
`;
}

/** Resolves once CoreDNS answers for the apiserver's Service. */
async function waitForDns(nodeIp, isRunning) {
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([nodeIp]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    isRunning();
    try {
      if ((await resolver.resolve4(`kubernetes.default.svc.${CLUSTER_DOMAIN}`)).length > 0) return;
    } catch {
      // Not serving yet.
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for the cluster DNS');
    await sleep(200);
  }
}

/**
 * A route for the Service range to the node's bridge: the namespace has no default route,
 * and a connection from the namespace itself (the tests, as a node's own processes) needs
 * one before kube-proxy's DNAT picks the pod. Nothing leaves the namespace by it: every
 * ClusterIP is translated, an unknown one is rejected by kube-proxy's rules.
 */
function routeServices(nodeIp) {
  const line = execFileSync('ip', ['-o', '-4', 'addr', 'show', 'to', nodeIp], { encoding: 'utf8' });
  const device = line.split(/\s+/)[1];
  if (!device) throw new Error(`no device holds the node address ${nodeIp}`);
  execFileSync('ip', ['route', 'replace', SERVICE_CLUSTER_IP_RANGE, 'dev', device, 'src', nodeIp]);
}

export async function startClusterNetwork({
  dir,
  kubeconfigPath,
  binDir,
  nodeName,
  nodeIp,
  podSubnet,
  spawn,
  isRunning,
}) {
  writeFileSync(join(dir, 'kube-proxy.yaml'), kubeProxyConfig({ kubeconfigPath, nodeName, podSubnet }));
  writeFileSync(join(dir, 'Corefile'), corefile({ kubeconfigPath }));
  routeServices(nodeIp);
  const pids = {};
  pids['kube-proxy'] = spawn('kube-proxy', join(binDir, 'kube-proxy'), [
    `--config=${join(dir, 'kube-proxy.yaml')}`,
    '--v=1',
  ]);
  pids.coredns = spawn('coredns', corednsBinary(), ['-conf', join(dir, 'Corefile')]);
  await waitForDns(nodeIp, () => isRunning(pids));
  return { pids };
}
