#!/usr/bin/env node
// Test control plane: a real etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler, plus kwok simulating the kubelets of fake nodes, all on
// loopback, with state, certificates and logs in one directory.
//
// CLI:
//   node scripts/testenv/control-plane.mjs start <stateDir>   # prints the kubeconfig path
//   node scripts/testenv/control-plane.mjs stop <stateDir>
//
// Library:
//   import { startControlPlane, stopControlPlane } from './control-plane.mjs';
//   const cp = await startControlPlane({ stateDir });   // { kubeconfigPath, stop() }
//   ...
//   await cp.stop();
//
// Binaries come from scripts/testenv/build.sh (its cache directory); pass
// `binDir` or set CYCLONE_TESTENV_BIN to use others.
//
// Layout of <stateDir>:
//   kubeconfig                 admin kubeconfig (O=system:masters), certs embedded
//   pids.json                  process ids of the components (used by `stop`)
//   logs/<component>.log       stdout+stderr of every component
//   pki/                       CA, serving and client certificates, SA key pair
//   etcd/                      etcd data
//
// When started through the library, a small detached watchdog process kills the
// components as soon as the starting process is gone, whatever the way it died
// (normal exit, Ctrl-C, SIGKILL). A CLI `start` leaves them running until `stop`.
//
// Fake nodes: `kwok-node-0` and `kwok-node-1`, annotated kwok.x-k8s.io/node=fake,
// labelled type=kwok, 32 CPUs / 256Gi / 110 pods each. They are the only nodes
// and carry no taint, so any pod can be scheduled on them; pods may still use
// the usual kwok toleration (FAKE_NODE_TOLERATION) and nodeSelector type=kwok.
// The pod lifecycle simulated on them (and the annotations that choose a pod's
// exit code or run time) is described in kwok-stages.yaml.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePorts } from './tool-process.mjs';

const execFileP = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const BUILD_SH = join(HERE, 'build.sh');
const KWOK_STAGES = join(HERE, 'kwok-stages.yaml');

export const FAKE_NODE_NAMES = ['kwok-node-0', 'kwok-node-1'];
export const FAKE_NODE_LABELS = { type: 'kwok' };
export const FAKE_NODE_TOLERATION = {
  key: 'kwok.x-k8s.io/node',
  operator: 'Exists',
  effect: 'NoSchedule',
};
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const START_TIMEOUT_MS = Number(process.env.CYCLONE_TESTENV_START_TIMEOUT_MS ?? 90_000);
// kube-apiserver and etcd shut down gracefully for many seconds; their state is
// disposable, so they get SIGKILL after this grace period.
const STOP_GRACE_MS = 1_000;

// ---------------------------------------------------------------- utilities

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(msg) {
  if (process.env.CYCLONE_TESTENV_QUIET) return;
  process.stderr.write(`testenv/control-plane: ${msg}\n`);
}

function tail(file, lines = 30) {
  try {
    const text = readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** True if the process exists and is not a zombie. */
function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (e) {
    if (e.code === 'ENOENT') {
      if (existsSync('/proc/self/stat')) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------- PKI

async function openssl(args, cwd) {
  try {
    await execFileP('openssl', args, { cwd });
  } catch (e) {
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

/** `openssl req` arguments for a new P-256 key `<name>.key` and its certificate `<name>.crt`, valid ten years. */
function newCertArgs(name, subject) {
  return [
    'req',
    '-x509',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '3650',
    '-subj',
    subject,
  ];
}

async function issueCert(pki, name, subject, extensions) {
  await openssl(
    [
      ...newCertArgs(name, subject),
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      ...extensions.flatMap((e) => ['-addext', e]),
    ],
    pki,
  );
}

async function generatePki(pki) {
  mkdirSync(pki, { recursive: true });
  await openssl(
    [
      ...newCertArgs('ca', '/CN=cyclone-testenv-ca'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    pki,
  );
  const client = ['extendedKeyUsage=clientAuth'];
  await Promise.all([
    issueCert(pki, 'apiserver', '/CN=kube-apiserver', [
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,' +
        'DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
    ]),
    issueCert(pki, 'admin', '/O=system:masters/CN=cyclone-testenv-admin', client),
    issueCert(pki, 'front-proxy-client', '/CN=front-proxy-client', client),
    issueCert(pki, 'controller-manager', '/CN=system:kube-controller-manager', client),
    issueCert(pki, 'scheduler', '/CN=system:kube-scheduler', client),
    // kwok acts as the kubelet of every fake node; system:masters keeps it simple.
    issueCert(pki, 'kwok', '/O=system:masters/CN=kwok', client),
    // The API server's identity towards real kubelets (logs, exec).
    issueCert(pki, 'apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', client),
    (async () => {
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key'], pki);
      await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], pki);
    })(),
  ]);
}

function writeKubeconfig(path, { server, pki, user }) {
  const b64 = (f) => readFileSync(join(pki, f)).toString('base64');
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: ${server}
    certificate-authority-data: ${b64('ca.crt')}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(`${user}.crt`)}
    client-key-data: ${b64(`${user}.key`)}
contexts:
- name: testenv
  context:
    cluster: testenv
    user: ${user}
    namespace: default
current-context: testenv
`;
  writeFileSync(path, yaml, { mode: 0o600 });
}

/**
 * Credentials of a real node's kubelet (user system:node:<name> in group
 * system:nodes, as the Node authorizer expects): writes <name>.kubeconfig in
 * stateDir and returns its path.
 */
export async function writeNodeKubeconfig({ stateDir, pki, server, nodeName }) {
  await issueCert(pki, nodeName, `/O=system:nodes/CN=system:node:${nodeName}`, ['extendedKeyUsage=clientAuth']);
  const path = join(stateDir, `${nodeName}.kubeconfig`);
  writeKubeconfig(path, { server, pki, user: nodeName });
  return path;
}

// ---------------------------------------------------------------- HTTP

function httpCall(url, { method = 'GET', body, tls, timeoutMs = 5_000 } = {}) {
  return new Promise((res, rej) => {
    const u = new URL(url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const opts = {
      method,
      hostname: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        Accept: 'application/json',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
      },
      timeout: timeoutMs,
      agent: false,
      ...(tls ?? {}),
    };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(opts, (resp) => {
      let data = '';
      resp.setEncoding('utf8');
      resp.on('data', (c) => (data += c));
      resp.on('end', () => {
        let json;
        try {
          json = JSON.parse(data);
        } catch {
          json = undefined;
        }
        res({ status: resp.statusCode, text: data, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms: ${method} ${url}`)));
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------- pids.json

function readPids(stateDir) {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'pids.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function writePids(stateDir, data) {
  const file = join(stateDir, 'pids.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

// ---------------------------------------------------------------- stop

/**
 * Synchronous, best-effort: SIGKILL every component process group recorded in
 * pids.json. The watchdog, if any, notices the exit and finishes the clean-up.
 */
function killAllSync(stateDir, runId) {
  const pids = readPids(stateDir);
  if (!pids || (runId && pids.runId !== runId)) return;
  for (const c of Object.values(pids.components ?? {})) killGroup(c.pgid, 'SIGKILL');
}

/**
 * Stops every component recorded in <stateDir>/pids.json: SIGTERM to each
 * process group, SIGKILL after a short grace period. Safe to call repeatedly.
 */
export async function stopControlPlane({ stateDir, runId } = {}) {
  stateDir = resolve(stateDir);
  const pids = readPids(stateDir);
  if (!pids || (runId && pids.runId !== runId)) return;
  const comps = Object.values(pids.components ?? {});
  // The watchdog first, so it does not race with us.
  if (pids.watchdog && pids.watchdog !== process.pid) killGroup(pids.watchdog, 'SIGKILL');
  for (const c of comps) killGroup(c.pgid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (comps.some((c) => processAlive(c.pid)) && Date.now() < deadline) await sleep(50);
  for (const c of comps) killGroup(c.pgid, 'SIGKILL');
  while (comps.some((c) => processAlive(c.pid)) && Date.now() < deadline + 2_000) await sleep(50);
  rmSync(join(stateDir, 'pids.json'), { force: true });
}

// ---------------------------------------------------------------- watchdog

async function runWatchdog(stateDir, watchPid, runId, removeStateDir) {
  // Detached from the test process: survives its death and then cleans up.
  for (;;) {
    const pids = readPids(stateDir);
    if (!pids || pids.runId !== runId) return; // stopped normally, or replaced
    if (!processAlive(watchPid)) {
      await stopControlPlane({ stateDir, runId });
      if (removeStateDir) rmSync(stateDir, { recursive: true, force: true });
      return;
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------- audit

/** Audit log path of a control plane started with auditLog. */
export const auditLogPathOf = (stateDir) => join(resolve(stateDir), 'logs', 'audit.log');

/**
 * Every write (metadata only: who, user agent, verb, object) goes to logs/audit.log as
 * JSON lines, so a benchmark can count the writes of each client.
 */
function auditArgs(stateDir) {
  const policy = join(stateDir, 'audit-policy.yaml');
  writeFileSync(
    policy,
    `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`,
  );
  return [`--audit-policy-file=${policy}`, `--audit-log-path=${auditLogPathOf(stateDir)}`, '--audit-log-maxsize=0'];
}

// ---------------------------------------------------------------- start

async function resolveBinDir(binDir) {
  if (binDir) return binDir;
  if (process.env.CYCLONE_TESTENV_BIN) return process.env.CYCLONE_TESTENV_BIN;
  const { stdout } = await execFileP('bash', [BUILD_SH, '--print-bin-dir']);
  return stdout.trim();
}

/**
 * Starts the control plane in stateDir (created if needed; must not hold a
 * running control plane). Resolves once the API server is ready, the default
 * ServiceAccount exists and the fake nodes are Ready and schedulable.
 *
 * @param {{stateDir: string, binDir?: string, watchPid?: number, removeStateDirOnAbandon?: boolean, fakeNodes?: boolean, podReachableAddress?: string, auditLog?: boolean}} opts
 *   watchPid: process whose death stops the control plane (default: this
 *   process; 0 disables the watchdog).
 *   removeStateDirOnAbandon: when the watchdog has to clean up after the death
 *   of watchPid, also delete stateDir (default false).
 *   fakeNodes: start kwok and its fake nodes (default true; a real node's tests
 *   need none).
 *   podReachableAddress: the real node's address (netns.mjs): the API server also
 *   listens there and publishes it as the `kubernetes` Service's endpoint, so pods
 *   (a deployed controller) reach it; default: loopback only, no endpoint.
 *   auditLog: log every write to logs/audit.log (auditLogPathOf), e.g. to count
 *   a benchmark's writes by client (default false).
 * @returns {Promise<{kubeconfigPath: string, stateDir: string, server: string, pki: string, stop: () => Promise<void>}>}
 */
export async function startControlPlane({
  stateDir,
  binDir,
  watchPid = process.pid,
  removeStateDirOnAbandon = false,
  fakeNodes = true,
  podReachableAddress,
  auditLog = false,
} = {}) {
  if (!stateDir) throw new Error('startControlPlane: stateDir is required');
  const t0 = Date.now();
  stateDir = resolve(stateDir);
  const existing = readPids(stateDir);
  if (existing && Object.values(existing.components ?? {}).some((c) => processAlive(c.pid))) {
    throw new Error(`a control plane is already running in ${stateDir}; stop it first`);
  }
  rmSync(join(stateDir, 'pids.json'), { force: true });

  const bin = await resolveBinDir(binDir);
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
    if (!existsSync(join(bin, b))) {
      throw new Error(`missing ${join(bin, b)}; run scripts/testenv/build.sh first`);
    }
  }

  const pki = join(stateDir, 'pki');
  const logs = join(stateDir, 'logs');
  const etcdData = join(stateDir, 'etcd');
  rmSync(pki, { recursive: true, force: true });
  rmSync(etcdData, { recursive: true, force: true });
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  mkdirSync(join(stateDir, 'kwok-home'), { recursive: true });

  const [etcdPort, peerPort, apiPort, cmPort, schedPort, kwokPort] = await freePorts(6);
  const server = `https://127.0.0.1:${apiPort}`;
  const runId = randomBytes(8).toString('hex');
  const state = { runId, stateDir, server, components: {}, watchdog: undefined };
  const children = new Map();

  const spawnComponent = (name, file, args, env = {}) => {
    const logPath = join(logs, `${name}.log`);
    const fd = openSync(logPath, 'a');
    let child;
    try {
      child = spawn(file, args, {
        cwd: stateDir,
        detached: true, // own process group, untouched by the terminal's Ctrl-C
        stdio: ['ignore', fd, fd],
        env: { ...process.env, ...env },
      });
    } finally {
      closeSync(fd);
    }
    const info = { child, logPath, exit: undefined };
    child.on('error', (err) => (info.exit = `failed to start: ${err.message}`));
    child.on('exit', (code, sig) => (info.exit = `exited (${sig ?? `code ${code}`})`));
    child.unref();
    children.set(name, info);
    if (child.pid) state.components[name] = { pid: child.pid, pgid: child.pid, log: logPath };
    writePids(stateDir, state);
    return info;
  };

  const checkAlive = () => {
    for (const [name, info] of children) {
      if (info.exit) {
        throw new Error(`${name} ${info.exit}; last log lines (${info.logPath}):\n${tail(info.logPath)}`);
      }
    }
  };

  const timings = [];
  const waitFor = async (what, fn, timeoutMs = START_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      checkAlive();
      try {
        const v = await fn();
        if (v) {
          timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
          return v;
        }
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
      }
      await sleep(100);
    }
  };

  // Tied to this process: kill everything synchronously if it exits without
  // calling stop() (the watchdog covers deaths that skip 'exit' handlers).
  const tied = watchPid === process.pid;
  const onExit = () => killAllSync(stateDir, runId);
  if (tied) process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await stopControlPlane({ stateDir, runId });
  };

  try {
    if (watchPid) {
      const wd = spawn(
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          '__watchdog',
          stateDir,
          String(watchPid),
          runId,
          removeStateDirOnAbandon ? 'rm' : 'keep',
        ],
        {
          detached: true,
          stdio: 'ignore',
        },
      );
      wd.unref();
      state.watchdog = wd.pid;
    }
    writePids(stateDir, state);

    await generatePki(pki);
    const p = (f) => join(pki, f);
    const tls = {
      ca: readFileSync(p('ca.crt')),
      cert: readFileSync(p('admin.crt')),
      key: readFileSync(p('admin.key')),
    };
    const kubeconfigPath = join(stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, { server, pki, user: 'admin' });
    for (const user of ['controller-manager', 'scheduler', 'kwok']) {
      writeKubeconfig(join(stateDir, `${user}.kubeconfig`), { server, pki, user });
    }

    // etcd: loopback only, no fsync (test data is disposable).
    spawnComponent('etcd', join(bin, 'etcd'), [
      '--name=testenv',
      `--data-dir=${etcdData}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=testenv=http://127.0.0.1:${peerPort}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ]);
    // The API server retries etcd until it answers: start both at once.
    const etcdHealthy = waitFor('etcd', async () => {
      const r = await httpCall(`http://127.0.0.1:${etcdPort}/health`, { timeoutMs: 1_000 });
      return r.status === 200 && r.json?.health === 'true';
    });

    spawnComponent('kube-apiserver', join(bin, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      ...(podReachableAddress
        ? // Inside the real node's network namespace (netns.mjs): pods reach the API
          // server through the `kubernetes` Service (kube-proxy) at the node address.
          ['--bind-address=0.0.0.0', `--advertise-address=${podReachableAddress}`]
        : // The `kubernetes` Service gets no endpoints: a loopback address may not
          // be published, and nothing runs inside the cluster to use it anyway.
          ['--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', '--endpoint-reconciler-type=none']),
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(stateDir, 'apiserver-certs')}`,
      `--tls-cert-file=${p('apiserver.crt')}`,
      `--tls-private-key-file=${p('apiserver.key')}`,
      `--client-ca-file=${p('ca.crt')}`,
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${p('sa.pub')}`,
      `--service-account-signing-key-file=${p('sa.key')}`,
      '--authorization-mode=Node,RBAC',
      // Front-proxy (aggregation layer) settings, so that delegated
      // authentication in the other components finds a request-header CA.
      `--requestheader-client-ca-file=${p('ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${p('front-proxy-client.crt')}`,
      `--proxy-client-key-file=${p('front-proxy-client.key')}`,
      '--enable-aggregator-routing=true',
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--allow-privileged=true',
      // A real node (real-node.mjs) is reached by its IP for logs and exec.
      '--kubelet-preferred-address-types=InternalIP,Hostname',
      `--kubelet-client-certificate=${p('apiserver-kubelet-client.crt')}`,
      `--kubelet-client-key=${p('apiserver-kubelet-client.key')}`,
      '--profiling=false',
      '--v=1',
      ...(auditLog ? auditArgs(stateDir) : []),
    ]);
    // The other components start once the bootstrap RBAC policy is in place
    // (they fail hard if denied then) rather than after full readiness, so
    // their own start-up overlaps the rest of the API server's.
    await etcdHealthy;
    await waitFor('kube-apiserver RBAC bootstrap', async () => {
      const r = await httpCall(`${server}/readyz/poststarthook/rbac/bootstrap-roles`, { tls, timeoutMs: 2_000 });
      return r.status === 200;
    });

    const kubeconfigFlags = (user) => [
      `--kubeconfig=${join(stateDir, `${user}.kubeconfig`)}`,
      `--authentication-kubeconfig=${join(stateDir, `${user}.kubeconfig`)}`,
      `--authorization-kubeconfig=${join(stateDir, `${user}.kubeconfig`)}`,
    ];
    spawnComponent('kube-controller-manager', join(bin, 'kube-controller-manager'), [
      ...kubeconfigFlags('controller-manager'),
      '--bind-address=127.0.0.1',
      `--secure-port=${cmPort}`,
      `--cert-dir=${join(stateDir, 'controller-manager-certs')}`,
      `--service-account-private-key-file=${p('sa.key')}`,
      `--root-ca-file=${p('ca.crt')}`,
      `--cluster-signing-cert-file=${p('ca.crt')}`,
      `--cluster-signing-key-file=${p('ca.key')}`,
      '--use-service-account-credentials=true',
      // Every controller gets its own client (and rate limiter); the default
      // 20 QPS makes the controllers that run API discovery start seconds later.
      '--kube-api-qps=200',
      '--kube-api-burst=400',
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--leader-elect=false',
      '--profiling=false',
      '--v=1',
    ]);
    spawnComponent('kube-scheduler', join(bin, 'kube-scheduler'), [
      ...kubeconfigFlags('scheduler'),
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
      `--cert-dir=${join(stateDir, 'scheduler-certs')}`,
      '--leader-elect=false',
      '--profiling=false',
      '--v=1',
    ]);
    if (fakeNodes)
      spawnComponent(
        'kwok',
        join(bin, 'kwok'),
        [
          `--kubeconfig=${join(stateDir, 'kwok.kubeconfig')}`,
          `--config=${KWOK_STAGES}`,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          `--server-address=127.0.0.1:${kwokPort}`,
          '--node-ip=10.240.0.1',
          '--cidr=10.244.0.1/16',
          '--node-lease-duration-seconds=40',
        ],
        // kwok also reads ~/.kwok/kwok.yaml: keep the user's one out.
        { HOME: join(stateDir, 'kwok-home') },
      );

    const api = async (method, path, body) => {
      const r = await httpCall(`${server}${path}`, { method, body, tls });
      return r;
    };
    const secure = { rejectUnauthorized: false };
    const fakeNodeNames = fakeNodes ? FAKE_NODE_NAMES : [];
    await Promise.all([
      ...fakeNodeNames.map((name) =>
        // Retried until the API server accepts it (it may still be starting).
        waitFor(`node ${name} created`, async () => {
          const r = await api('POST', '/api/v1/nodes', fakeNode(name));
          if (r.status === 201 || r.status === 409) return true;
          throw new Error(`creating node ${name}: ${r.status} ${r.text}`);
        }),
      ),
      waitFor('kube-apiserver /readyz', async () => {
        const r = await httpCall(`${server}/readyz`, { tls, timeoutMs: 2_000 });
        return r.status === 200;
      }),
      waitFor('kube-controller-manager /healthz', async () => {
        const r = await httpCall(`https://127.0.0.1:${cmPort}/healthz`, { tls: secure, timeoutMs: 2_000 });
        return r.status === 200;
      }),
      waitFor('kube-scheduler /readyz', async () => {
        const r = await httpCall(`https://127.0.0.1:${schedPort}/readyz`, { tls: secure, timeoutMs: 2_000 });
        return r.status === 200;
      }),
      waitFor('the default ServiceAccount', async () => {
        const r = await api('GET', '/api/v1/namespaces/default/serviceaccounts/default');
        return r.status === 200;
      }),
      waitFor('fake nodes Ready and schedulable', async () => {
        const r = await api('GET', '/api/v1/nodes?labelSelector=type%3Dkwok');
        if (r.status !== 200) return false;
        const nodes = r.json.items ?? [];
        return (
          nodes.length === fakeNodeNames.length &&
          nodes.every(
            (n) =>
              n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
              !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')),
          )
        );
      }),
    ]);
    checkAlive();
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${server}, kubeconfig ${kubeconfigPath}`);
    if (process.env.CYCLONE_TESTENV_DEBUG) log(`timings: ${timings.join(', ')}`);
    return { kubeconfigPath, stateDir, server, pki, stop };
  } catch (e) {
    await stop();
    e.message = `${e.message}\n(control-plane logs in ${logs})`;
    throw e;
  }
}

function fakeNode(name) {
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        ...FAKE_NODE_LABELS,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
      },
    },
    spec: {},
    status: { allocatable: resources, capacity: resources },
  };
}

// ---------------------------------------------------------------- CLI

async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === '__watchdog') {
    const [stateDir, watchPid, runId, onAbandon] = rest;
    await runWatchdog(stateDir, Number(watchPid), runId, onAbandon === 'rm');
    return;
  }
  const stateDir = rest[0];
  if ((cmd !== 'start' && cmd !== 'stop') || !stateDir) {
    process.stderr.write('usage: control-plane.mjs start|stop <stateDir>\n');
    process.exitCode = 2;
    return;
  }
  if (cmd === 'stop') {
    await stopControlPlane({ stateDir });
    return;
  }
  const cp = await startControlPlane({ stateDir, watchPid: 0 });
  process.stdout.write(`${cp.kubeconfigPath}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
}
