// A real Kubernetes node for the test control plane: containerd (Debian's) with the
// CNI bridge plugin, and the kubelet built by build.sh, registered as <nodeName>
// with the node address of netns.mjs. It runs in the caller's network namespace,
// which must be one netns.mjs made (pods on the bridge reach NODE_IP there, and
// nowhere else). Configuration details from REAL-CONTAINERS.md:
//   kubelet: failCgroupV1 false, cgroupfs, low eviction thresholds, image GC off;
//   containerd: restrict_oom_score_adj (negative scores are refused here), no systemd
//   cgroups, a local pause image (test-images.mjs), its own CNI configuration.
// Images come from the node's registry (node-registry.mjs): docker-registry serving the
// test cache's storage read-only at 127.0.0.1:5000 in the namespace, which containerd's
// hosts.toml files name for that address, docker.io and cyclone.test; the kubelet pulls
// what pods need (set-up pushed the images; nothing is imported here).
// Once the node is Ready, kube-proxy and CoreDNS (cluster-network.mjs) give the cluster
// Service routing and DNS; the kubelet's clusterDNS is the node address.
//
//   const node = await startRealNode({ stateDir, controlPlane, binDir });
//   ... node.nodeName, node.nodeIp
//   await node.stop();
//
// A detached watchdog stops the node when the starting process is gone.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLUSTER_DOMAIN, startClusterNetwork } from './cluster-network.mjs';
import { writeNodeKubeconfig } from './control-plane.mjs';
import { unmountUnder } from './mounts.mjs';
import { NODE_REGISTRY, registryAnswers, registryConfig, writeRegistryHosts } from './node-registry.mjs';
import { PAUSE_IMAGE } from './test-images.mjs';
import { isAlive, sleep } from './tool-process.mjs';

export const REAL_NODE_LABELS = { type: 'real' };
const POD_SUBNET = '10.214.0.0/24';
const CNI_BIN_DIR = '/usr/lib/cni';
const START_TIMEOUT_MS = 90_000;
const IMAGE_BUILD_SECCOMP = fileURLToPath(
  new URL('../../apps/api/src/controller/executors/image-build-seccomp.json', import.meta.url),
);

async function freePort(host) {
  const server = createServer();
  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, res);
  });
  const { port } = server.address();
  await new Promise((r) => server.close(() => r()));
  return port;
}

function containerdConfig(dir) {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN_DIR}"
    conf_dir = "${dir}/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${dir}/certs.d"
`;
}

function cniConfig(dir) {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'cyclone-test',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_SUBNET }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: `${dir}/ipam`,
          },
        },
      ],
    },
    null,
    2,
  );
}

function kubeletConfig({ dir, nodeIp, port, caFile, cgroupRoot }) {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: ${cgroupRoot}
containerRuntimeEndpoint: unix://${dir}/containerd/containerd.sock
failSwapOn: false
resolvConf: ${dir}/resolv.conf
podLogsDir: ${dir}/pod-logs
address: ${nodeIp}
port: ${port}
readOnlyPort: 0
healthzPort: 0
clusterDomain: ${CLUSTER_DOMAIN}
clusterDNS: [${nodeIp}]
serializeImagePulls: false
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: ${caFile}
authorization:
  mode: Webhook
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusReportFrequency: 10s
`;
}

function spawnLogged(dir, name, file, args) {
  const log = openSync(join(dir, `${name}.log`), 'a');
  const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child.pid;
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function ctr(dir, args, options = {}) {
  return execFileSync('ctr', ['--address', join(dir, 'containerd', 'containerd.sock'), '-n', 'k8s.io', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

/** Pids of the containerd shims serving this node's containerd. */
function shimPids(dir) {
  const address = join(dir, 'containerd', 'containerd.sock');
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('containerd-shim') && line.includes(address))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

const CGROUPS = '/sys/fs/cgroup';

/**
 * The node's own cgroup root (kubelet `cgroupRoot`): kubelets sharing one (`/kubepods`)
 * take each other's pods for orphans and SIGKILL their processes, so two test nodes on
 * one machine (two worktrees, a test and a bench) would kill each other's stages. Made
 * in every cgroup v1 hierarchy (cpuset with its parent's cpus and mems), or in the v2
 * tree with the parent's controllers.
 */
function makeCgroupRoot(name) {
  const isV2 = existsSync(join(CGROUPS, 'cgroup.controllers'));
  if (isV2) {
    mkdirSync(join(CGROUPS, name), { recursive: true });
    const controllers = readFileSync(join(CGROUPS, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
    const wanted = controllers
      .filter(Boolean)
      .map((c) => `+${c}`)
      .join(' ');
    if (wanted) writeFileSync(join(CGROUPS, name, 'cgroup.subtree_control'), wanted);
    return;
  }
  for (const hierarchy of readdirSync(CGROUPS)) {
    const path = join(CGROUPS, hierarchy, name);
    mkdirSync(path, { recursive: true });
    if (hierarchy === 'cpuset') {
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        writeFileSync(join(path, file), readFileSync(join(CGROUPS, hierarchy, file), 'utf8'));
      }
    }
  }
}

/** Removes the node's cgroups, innermost first (a cgroup goes once its processes and children are gone). */
function removeCgroupRoot(name) {
  const roots = existsSync(join(CGROUPS, 'cgroup.controllers'))
    ? [join(CGROUPS, name)]
    : readdirSync(CGROUPS).map((hierarchy) => join(CGROUPS, hierarchy, name));
  const remove = (path) => {
    if (!existsSync(path)) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) remove(join(path, entry.name));
    }
    try {
      rmdirSync(path);
    } catch {
      // Still busy: left for the machine.
    }
  };
  for (const root of roots) remove(root);
}

/** Stops the node of a state directory: kubelet, every container, containerd; safe to call twice. */
export async function stopRealNode({ stateDir }) {
  const dir = resolve(stateDir);
  const pidsFile = join(dir, 'pids.json');
  if (!existsSync(pidsFile)) return;
  const pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
  const kill = (pid, signal) => {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone.
    }
  };
  for (const name of ['kubelet', 'kube-proxy', 'coredns', 'registry']) if (pids[name]) kill(pids[name], 'SIGKILL');
  // Every container's processes die with their task; then the shims and containerd.
  try {
    for (const id of ctr(dir, ['tasks', 'ls', '-q'], { timeout: 10_000 }).split('\n').filter(Boolean)) {
      try {
        ctr(dir, ['tasks', 'kill', '-a', '-s', 'SIGKILL', id], { timeout: 10_000 });
      } catch {
        // Already stopped.
      }
    }
    await sleep(500);
  } catch {
    // containerd is not answering: its shims are killed below.
  }
  for (const pid of shimPids(dir)) kill(pid, 'SIGKILL');
  if (pids.containerd) kill(pids.containerd, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (pids.containerd && isAlive(pids.containerd) && Date.now() < deadline) await sleep(100);
  if (pids.containerd) kill(pids.containerd, 'SIGKILL');
  unmountUnder(dir);
  const cgroupFile = join(dir, 'cgroup-root');
  if (existsSync(cgroupFile)) removeCgroupRoot(readFileSync(cgroupFile, 'utf8'));
  rmSync(pidsFile, { force: true });
}

/**
 * Starts the image registry, containerd and the kubelet, and resolves once the node is
 * Ready. controlPlane: what startControlPlane returned. The registry serves what set-up
 * pushed (node-registry.mjs); the kubelet pulls from it when pods need an image.
 */
export async function startRealNode({ stateDir, controlPlane, binDir, watchPid = process.pid }) {
  if (process.getuid?.() !== 0) throw new Error('the real test node needs root (containerd, kubelet)');
  const nodeIp = process.env.CYCLONE_TESTENV_NODE_IP;
  if (!nodeIp)
    throw new Error('the real test node runs inside scripts/testenv/netns.mjs (CYCLONE_TESTENV_NODE_IP unset)');
  for (const path of [
    '/usr/bin/containerd',
    '/usr/bin/docker-registry',
    join(CNI_BIN_DIR, 'bridge'),
    join(binDir, 'kubelet'),
    join(binDir, 'kube-proxy'),
  ]) {
    if (!existsSync(path)) throw new Error(`missing ${path} (npm test installs and builds it)`);
  }
  const dir = resolve(stateDir);
  // Two runs on one machine must not share a node name: the kubelet writes some
  // folders outside its root directory.
  const nodeName = `cyclone-node-${randomBytes(3).toString('hex')}`;
  const containerdDir = join(dir, 'containerd');
  for (const sub of ['containerd/cni', 'containerd/certs.d', 'containerd/ipam', 'kubelet', 'kubelet-pki', 'pod-logs']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  writeFileSync(join(containerdDir, 'config.toml'), containerdConfig(containerdDir));
  writeFileSync(join(containerdDir, 'cni', '10-cyclone-test.conflist'), cniConfig(containerdDir));
  writeRegistryHosts(join(containerdDir, 'certs.d'));
  writeFileSync(join(dir, 'registry.yml'), registryConfig({ addr: NODE_REGISTRY, readOnly: true }));
  writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  // The image-build stages' Localhost seccomp profile, where the installation puts it (k8s/README.md).
  mkdirSync(join(dir, 'kubelet', 'seccomp', 'cyclone'), { recursive: true });
  copyFileSync(IMAGE_BUILD_SECCOMP, join(dir, 'kubelet', 'seccomp', 'cyclone', 'image-build.json'));
  const port = await freePort(nodeIp);
  writeFileSync(
    join(dir, 'kubelet.yaml'),
    kubeletConfig({ dir, nodeIp, port, caFile: join(controlPlane.pki, 'ca.crt'), cgroupRoot: `/${nodeName}` }),
  );
  const kubeconfig = await writeNodeKubeconfig({
    stateDir: dir,
    pki: controlPlane.pki,
    server: controlPlane.server,
    nodeName,
  });

  makeCgroupRoot(nodeName);
  writeFileSync(join(dir, 'cgroup-root'), nodeName);
  const pids = {};
  const savePids = () => writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
  pids.registry = spawnLogged(dir, 'registry', '/usr/bin/docker-registry', ['serve', join(dir, 'registry.yml')]);
  pids.containerd = spawnLogged(dir, 'containerd', '/usr/bin/containerd', [
    '--config',
    join(containerdDir, 'config.toml'),
  ]);
  savePids();
  if (watchPid) {
    const watchdog = spawn(process.execPath, [fileURLToPath(import.meta.url), '__watchdog', dir, String(watchPid)], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
  }
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const checkAlive = (running) => {
      for (const [name, pid] of Object.entries(running)) {
        if (!isAlive(pid))
          throw new Error(`${name} exited; last lines of ${dir}/${name}.log:\n${tail(join(dir, `${name}.log`))}`);
      }
    };
    const check = (what) => {
      checkAlive(pids);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    };
    for (;;) {
      check('containerd');
      try {
        ctr(dir, ['version'], { timeout: 2_000 });
        break;
      } catch {
        await sleep(100);
      }
    }
    while (!(await registryAnswers(`http://${NODE_REGISTRY}`))) {
      check('the image registry');
      await sleep(100);
    }
    pids.kubelet = spawnLogged(dir, 'kubelet', join(binDir, 'kubelet'), [
      `--config=${join(dir, 'kubelet.yaml')}`,
      `--kubeconfig=${kubeconfig}`,
      `--root-dir=${join(dir, 'kubelet')}`,
      `--cert-dir=${join(dir, 'kubelet-pki')}`,
      `--hostname-override=${nodeName}`,
      `--node-ip=${nodeIp}`,
      `--node-labels=${Object.entries(REAL_NODE_LABELS)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
      '--v=1',
    ]);
    savePids();
    const admin = readKubeconfigTls(controlPlane.kubeconfigPath);
    for (;;) {
      check(`node ${nodeName} Ready`);
      if (await nodeReady(controlPlane.server, admin, nodeName)) break;
      await sleep(250);
    }
    const network = await startClusterNetwork({
      dir,
      kubeconfigPath: controlPlane.kubeconfigPath,
      binDir,
      nodeName,
      nodeIp,
      podSubnet: POD_SUBNET,
      spawn: (name, file, args) => {
        pids[name] = spawnLogged(dir, name, file, args);
        savePids();
        return pids[name];
      },
      isRunning: checkAlive,
    });
    Object.assign(pids, network.pids);
    return { nodeName, nodeIp, stateDir: dir, stop: () => stopRealNode({ stateDir: dir }) };
  } catch (error) {
    await stopRealNode({ stateDir: dir });
    throw error;
  }
}

/**
 * The images the node pulled and how long each took, from containerd's CRI log lines
 * (`PullImage "<image>"`, then `PullImage "<image>" returns image reference …`).
 */
export function imagePulls(stateDir) {
  const started = new Map();
  const pulls = [];
  let log = '';
  try {
    log = readFileSync(join(resolve(stateDir), 'containerd.log'), 'utf8');
  } catch {
    return pulls;
  }
  for (const line of log.split('\n')) {
    const match = line.match(/^time="([^"]+)".*msg="PullImage \\"([^\\]+)\\"( returns)?/);
    if (!match) continue;
    const [, time, image, returned] = match;
    if (!returned) started.set(image, Date.parse(time));
    else if (started.has(image)) pulls.push({ image, ms: Date.parse(time) - started.get(image) });
  }
  return pulls;
}

function readKubeconfigTls(path) {
  const text = readFileSync(path, 'utf8');
  const field = (name) => Buffer.from(text.match(new RegExp(`${name}: (\\S+)`))[1], 'base64');
  return {
    ca: field('certificate-authority-data'),
    cert: field('client-certificate-data'),
    key: field('client-key-data'),
  };
}

async function nodeReady(server, tls, nodeName) {
  const { request } = await import('node:https');
  return new Promise((res) => {
    const req = request(`${server}/api/v1/nodes/${nodeName}`, { ...tls, timeout: 2_000 }, (resp) => {
      let body = '';
      resp.setEncoding('utf8');
      resp.on('data', (chunk) => (body += chunk));
      resp.on('end', () => {
        try {
          const node = JSON.parse(body);
          res(node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
        } catch {
          res(false);
        }
      });
    });
    req.on('error', () => res(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function watch(stateDir, watchPid) {
  while (isAlive(watchPid) && existsSync(join(stateDir, 'pids.json'))) await sleep(500);
  await stopRealNode({ stateDir });
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url) &&
  process.argv[2] === '__watchdog'
) {
  watch(process.argv[3], Number(process.argv[4])).catch(() => process.exit(1));
}
