import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { apiStatusOf } from '@cyclone/k8s';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_IMAGE } from '../../../../../../scripts/testenv/base-image.mjs';
import { REAL_NODE_LABELS } from '../../../../../../scripts/testenv/real-node.mjs';
import {
  REGISTRY_STAGE_HELPER_IMAGE,
  RESOLVER_IMAGE,
  SERVICE_IMAGE,
} from '../../../../../../scripts/testenv/test-images.mjs';
import { startGitHttpServer } from '../../../modules/scm/testing/git-http-server.js';
import { STOP_RUN } from '../../../testing/run-helpers.js';
import { createGitRepository, stageOf } from '../../../testing/stage-io.js';
import { waitFor } from '../../../testing/wait.js';
import { type ExecutorKit, startExecutorKit } from './kube-executor.fixture.js';
import { workspaceClaimName } from './names.js';

/**
 * The Kubernetes executor on a real node: the kubelet pulls nothing (the images are
 * imported into its containerd), runs the real stage-helper image as sidecar and
 * inputs init container, and the workload in a locally built Debian image. The API
 * and the Git server listen on the node's address inside the test network namespace.
 */
const stage = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: BASE_IMAGE,
  command: ['sh', '-c'],
  args: [script],
  ...extra,
});

/** Processes on this machine whose command line contains `marker` (containers' included). */
const processesWith = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';
const POD_SECURITY = 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { quota { podSecurity } } }';

describe('stage pods on a real node', () => {
  const nodeIp = inject('nodeIp');
  let kit: ExecutorKit;
  let controller: Awaited<ReturnType<ExecutorKit['startController']>>;
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  let repo: ReturnType<typeof createGitRepository>;
  const volumes = mkdtempSync(join(tmpdir(), 'cyclone-real-volumes-'));

  beforeAll(async () => {
    kit = await startExecutorKit({
      apiEnv: {
        HOST: nodeIp,
        CYCLONE_OUTBOUND_ALLOW: `127.0.0.1/32,${nodeIp}/32`,
      },
      podDefaults: { nodeSelector: { ...REAL_NODE_LABELS } },
      helperImage: REGISTRY_STAGE_HELPER_IMAGE,
    });
    // Most tests run root images, as most CI images are: a platform admin's BASELINE.
    await kit.h.must(POD_SECURITY, { input: { name: kit.tenant, quota: { podSecurity: 'BASELINE' } } });
    // Pods go soon after their stage ends: what the run keeps must not depend on them.
    controller = await kit.startController({ podGcDelayMs: 500 });
    repo = createGitRepository();
    git = await startGitHttpServer(dirname(repo.bare), nodeIp);
  });

  afterAll(async () => {
    await controller?.stop();
    await kit?.stop();
    await git?.stop();
    if (repo) rmSync(dirname(repo.bare), { recursive: true, force: true });
    rmSync(volumes, { recursive: true, force: true });
  });

  const isGone = async (name: string) => {
    try {
      await kit.clients.core.readNamespacedPod({ name, namespace: kit.namespace });
      return false;
    } catch (err) {
      if (apiStatusOf(err) === 404) return true;
      throw err;
    }
  };

  /** A volume of this machine's folder `name` for the claim `claim` (the test cluster has no provisioner). */
  async function hostVolume(name: string, claim: string): Promise<string> {
    const path = join(volumes, name);
    mkdirSync(path);
    chmodSync(path, 0o777); // the stage helper runs as user 1000, the workload as root
    await kit.clients.core.createPersistentVolume({
      body: {
        metadata: { name: `${kit.namespace}-${name}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path },
          storageClassName: '',
          claimRef: { namespace: kit.namespace, name: claim },
        },
      },
    });
    return path;
  }

  /** A volume for the run's workspace claim. */
  const provideVolume = (run: string) => hostVolume(run, workspaceClaimName(run));

  it('clones a Git input in the real init container, shares the workspace and ships outputs and artifacts', async () => {
    await kit.h.createResource('source', 'GIT', [{ name: 'SCM_URL', value: `${git.url}/repo.git` }]);
    await kit.h.createWorkflow('build', [
      stage(
        'compile',
        'cat src/version.txt && grep VERSION_CODENAME /etc/os-release && ' +
          'test ! -e /var/run/secrets/kubernetes.io/serviceaccount/token && echo no-api-token && mkdir -p out && ' +
          'cp src/version.txt out/v && echo "built:$(cat src/version.txt)" >> "$CYCLONE_RESULTS"',
        {
          inputs: { resources: [{ name: 'source', path: '/workspace/src' }] },
          outputs: { artifacts: [{ name: 'version', path: 'out/v' }] },
        },
      ),
      stage('ship', 'cat got/v && ls src && cat out/v', {
        dependsOn: ['compile'],
        inputs: { artifacts: [{ name: 'version', path: 'got/v', source: 'compile/version' }] },
      }),
    ]);
    await provideVolume('build-1');
    const run = await kit.h.waitEnd(await kit.h.start('build'), 120_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await kit.h.logs(run.id, 'compile')).toEqual([
      `[cyclone] pulling Git resource "source" from ${git.url}/repo.git`,
      'two',
      'VERSION_CODENAME=bookworm',
      'no-api-token',
      expect.stringMatching(/^\[cyclone\] stored artifact "version" \(file, 4 bytes, sha256 [0-9a-f]{64}\)$/),
    ]);
    expect(stageOf(run, 'compile').outputs).toEqual([{ key: 'built', value: 'two' }]);
    expect(run.artifacts.map((a) => a.name)).toEqual(['version']);
    // The second pod sees the clone and the first stage's files on the run's volume.
    expect(await kit.h.logs(run.id, 'ship')).toEqual([
      '[cyclone] restoring artifact "version" at /workspace/got/v',
      'two',
      'version.txt',
      'two',
    ]);
    const pod = await kit.clients.core
      .readNamespacedPod({ name: 'build-1-ship-1', namespace: kit.namespace })
      .catch(() => undefined);
    if (pod) {
      expect(pod.spec?.nodeName).toBe(inject('realNodeName'));
      // Whoever may read pods does not read the attempt's stage token: it is in the attempt's Secret.
      expect(JSON.stringify(pod)).not.toMatch(/cst\d\./);
    }
  });

  it("takes the original Cyclone's paths outside /workspace (/go/src/…) as the workspace's folder of that name", async () => {
    await kit.h.createResource('examples', 'GIT', [{ name: 'SCM_URL', value: `${git.url}/repo.git` }]);
    await kit.h.createWorkflow('gopath', [
      stage('build', 'pwd && cat version.txt && mkdir -p /go/bin && cp version.txt /go/bin/app', {
        workingDir: '/go/src/examples',
        inputs: { resources: [{ name: 'examples', path: '/go/src/examples' }] },
        outputs: { artifacts: [{ name: 'app', path: '/go/bin/app' }] },
      }),
      stage('check', 'cat go/bin/app && ls go/src/examples', { dependsOn: ['build'] }),
    ]);
    await provideVolume('gopath-1');
    const run = await kit.h.waitEnd(await kit.h.start('gopath'), 120_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await kit.h.logs(run.id, 'build')).toEqual([
      `[cyclone] pulling Git resource "examples" from ${git.url}/repo.git`,
      '/go/src/examples',
      'two',
      expect.stringMatching(/^\[cyclone\] stored artifact "app" \(file, 4 bytes, sha256 [0-9a-f]{64}\)$/),
    ]);
    // What the stage left under /go is in the run's workspace, for the next pod.
    expect(await kit.h.logs(run.id, 'check')).toEqual(['two', 'version.txt']);
  });

  it("keeps a persistent resource's clone on its claim between runs: made once, then fetched into", async () => {
    // The tenant's claim, bound to a folder of this machine.
    const claimDir = await hostVolume('kept-claim', 'kept');
    await kit.clients.core.createNamespacedPersistentVolumeClaim({
      namespace: kit.namespace,
      body: {
        metadata: { name: 'kept' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '1Gi' } } },
      },
    });
    await kit.h.must('mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }', {
      input: {
        tenant: kit.tenant,
        project: 'web',
        name: 'shop',
        type: 'GIT',
        parameters: [{ name: 'SCM_URL', value: `${git.url}/repo.git` }],
        persistent: { pvc: 'kept', path: '/shop', pullPolicy: 'IfNotExist' },
      },
    });
    await kit.h.createWorkflow('kept', [
      stage('read', 'cat src/version.txt', { inputs: { resources: [{ name: 'shop', path: 'src' }] } }),
    ]);
    await provideVolume('kept-1');
    const first = await kit.h.waitEnd(await kit.h.start('kept'), 120_000);
    expect(first.phase, JSON.stringify(first)).toBe('SUCCEEDED');
    expect(await kit.h.logs(first.id, 'read')).toEqual([
      '[cyclone] resource "shop": making its kept copy afresh (none kept yet)',
      `[cyclone] pulling Git resource "shop" from ${git.url}/repo.git`,
      'two',
    ]);
    // A mark in the kept clone on the claim tells whether the next run fetched into it or cloned again.
    writeFileSync(join(claimDir, 'shop', 'copy', '.git', 'kept-mark'), '');
    await provideVolume('kept-2');
    const second = await kit.h.waitEnd(
      await kit.h.start('kept', [{ name: 'resources.shop.SCM_REVISION', value: 'feature' }]),
      120_000,
    );
    expect(second.phase, JSON.stringify(second)).toBe('SUCCEEDED');
    expect(await kit.h.logs(second.id, 'read')).toEqual([
      '[cyclone] resource "shop": updating its kept copy (pullPolicy IfNotExist)',
      'feature',
    ]);
    expect(existsSync(join(claimDir, 'shop', 'copy', '.git', 'kept-mark'))).toBe(true);
  });

  it('restores a stage cache the previous run saved, through the real stage helper', async () => {
    await kit.h.createWorkflow('cached', [
      stage(
        'deps',
        'if [ -f .cache/deps/marker ]; then echo "warm: $(cat .cache/deps/marker)"; ' +
          'else mkdir -p .cache/deps && echo fetched > .cache/deps/marker && echo cold; fi',
        { caches: [{ key: 'deps-v1', paths: ['.cache/deps'] }] },
      ),
    ]);
    await provideVolume('cached-1');
    const first = await kit.h.waitEnd(await kit.h.start('cached'), 120_000);
    expect(first.phase, JSON.stringify(first)).toBe('SUCCEEDED');
    const cold = await kit.h.logs(first.id, 'deps');
    expect(cold).toContain('cold');
    expect(cold.some((line) => line.startsWith('[cyclone] cache saved as key deps-v1'))).toBe(true);
    await provideVolume('cached-2');
    const second = await kit.h.waitEnd(await kit.h.start('cached'), 120_000);
    expect(second.phase, JSON.stringify(second)).toBe('SUCCEEDED');
    const warm = await kit.h.logs(second.id, 'deps');
    expect(warm.some((line) => line.startsWith('[cyclone] cache restored from key deps-v1'))).toBe(true);
    expect(warm).toContain('warm: fetched');
  });

  it('records a failing exit code, and explains an out-of-memory kill', async () => {
    const container = (name: string, script: string, extra = '') => `
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: ${name} }
spec:
  pod:
    spec:
      containers:
        - name: main
          image: ${BASE_IMAGE}
          command: ["sh", "-c", ${JSON.stringify(script)}]${extra}
---`;
    const yaml = `${container('hog', 'head -c 400m /dev/zero | tail', '\n          resources: { limits: { memory: 48Mi } }')}
${container('three', 'echo about to fail; exit 3')}
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: failing }
spec:
  stages:
    - name: hog
    - name: three
`;
    await kit.h.must(APPLY, { input: { tenant: kit.tenant, project: 'web', yaml } });
    await provideVolume('failing-1');
    const run = await kit.h.waitEnd(await kit.h.start('failing'), 120_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'three')).toMatchObject({ phase: 'FAILED', exitCode: 3, message: 'exited with code 3' });
    expect(await kit.h.logs(run.id, 'three')).toEqual(['about to fail']);
    expect(stageOf(run, 'hog')).toMatchObject({ phase: 'FAILED', exitCode: 137 });
    expect(stageOf(run, 'hog').message).toMatch(/out of memory \(OOMKilled\)/);
  });

  it('stop and timeout kill the real containers', async () => {
    await kit.h.createWorkflow('long', [stage('wait', 'echo started; sleep 3017')]);
    const runId = await kit.h.start('long');
    await waitFor(() => kit.h.logs(runId, 'wait'), {
      until: (lines) => lines.includes('started'),
      what: 'the long stage to start',
      timeoutMs: 60_000,
    });
    expect(processesWith('sleep 3017').length).toBeGreaterThan(0);
    const pod = await kit.clients.core.readNamespacedPod({ name: 'long-1-wait-1', namespace: kit.namespace });
    expect(pod.spec?.nodeName).toBe(inject('realNodeName'));
    // Whoever may read pods does not read the attempt's stage token: it is in the attempt's Secret.
    expect(JSON.stringify(pod)).not.toMatch(/cst\d\./);
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    await kit.h.must(STOP_RUN, { id: runId });
    expect((await kit.h.waitEnd(runId, 30_000)).phase).toBe('CANCELLED');
    await waitFor(() => isGone('long-1-wait-1'), { what: 'the stopped pod to be gone', timeoutMs: 30_000 });
    await waitFor(async () => processesWith('sleep 3017'), {
      until: (pids) => pids.length === 0,
      what: 'the stopped container to be killed',
      timeoutMs: 30_000,
    });

    await kit.h.createWorkflow('slow', [stage('wait', 'sleep 3018', { timeout: '5s' })]);
    const slow = await kit.h.waitEnd(await kit.h.start('slow'), 60_000);
    expect(slow.phase).toBe('FAILED');
    expect(stageOf(slow, 'wait').message).toMatch(/timed out|timeout/i);
    await waitFor(async () => processesWith('sleep 3018'), {
      until: (pids) => pids.length === 0,
      what: 'the timed-out container to be killed',
      timeoutMs: 30_000,
    });
  });

  it('keeps every log line in order after the pod is deleted', async () => {
    await kit.h.createWorkflow('chatty', [stage('count', 'seq 1 3000; echo done >&2')]);
    const run = await kit.h.waitEnd(await kit.h.start('chatty'), 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    await waitFor(() => isGone('chatty-1-count-1'), { what: 'the ended pod to be collected', timeoutMs: 30_000 });
    const lines = await kit.h.logs(run.id, 'count');
    expect(lines).toHaveLength(3001);
    expect(lines.slice(0, 3000)).toEqual(Array.from({ length: 3000 }, (_, i) => String(i + 1)));
    expect(lines[3000]).toBe('done');
  });

  it('runs a script as written ($$ and $(…) untouched), with a secret in its args that the pod spec never holds', async () => {
    const secret = 'Vault-Secret-734';
    await kit.h.must('mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }', {
      input: { tenant: kit.tenant, name: 'vault', type: 'GENERAL', config: {}, secret: { token: secret } },
    });
    await kit.h.createWorkflow('dollars', [
      stage(
        'say',
        'echo "pid:$$" && echo "here:$(pwd)" && ' +
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference, filled at run time
          'printf %s "${secrets.vault.token}" | sha256sum | cut -c1-16 && sleep 3',
      ),
    ]);
    const runId = await kit.h.start('dollars');
    const pod = await waitFor(
      () =>
        kit.clients.core
          .readNamespacedPod({ name: 'dollars-1-say-1', namespace: kit.namespace })
          .catch(() => undefined),
      { until: (p) => p !== undefined, what: 'the pod to exist', timeoutMs: 30_000 },
    );
    expect(JSON.stringify(pod)).not.toContain(secret);
    const run = await kit.h.waitEnd(runId, 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    const expected = createHash('sha256').update(secret).digest('hex').slice(0, 16);
    const lines = await kit.h.logs(run.id, 'say');
    expect(lines[0]).toMatch(/^pid:\d+$/);
    expect(lines.slice(1)).toEqual(['here:/workspace', expected]);
  });

  it('runs stage services as native sidecars: ready first, reached by name, ended with the stage', async () => {
    const db = (readiness: Record<string, unknown>) => ({
      name: 'db',
      image: SERVICE_IMAGE,
      command: ['redis-server'],
      args: ['--port', '6379', '--save', '', '--appendonly', 'no'],
      readiness,
    });
    await kit.h.createWorkflow('with-db', [
      {
        name: 'query',
        image: SERVICE_IMAGE,
        command: ['sh', '-c', 'redis-cli -h db set greeting hello && redis-cli -h db get greeting'],
        services: [db({ tcpPort: 6379 })],
      },
    ]);
    // The database would run forever: the attempt ends when the stage's container does.
    const run = await kit.h.waitEnd(await kit.h.start('with-db'), 90_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await kit.h.logs(run.id, 'query')).toEqual(['OK', 'hello']);

    await kit.h.createWorkflow('db-never-ready', [
      {
        name: 'query',
        image: SERVICE_IMAGE,
        command: ['redis-cli', '-h', 'db', 'ping'],
        services: [db({ command: ['redis-cli', '-p', '7000', 'ping'], timeout: '3s' })],
      },
    ]);
    const failed = await kit.h.waitEnd(await kit.h.start('db-never-ready'), 90_000);
    expect(failed.phase).toBe('FAILED');
    expect(stageOf(failed, 'query').message).toMatch(/^service "db" did not become ready within 3s/);
  });

  it("runs a registered type's resolver image: pulls before the stage, pushes its output after; Http outputs go through the API", async () => {
    // What an Http output sends: a server on the node's address, as a tenant's would be.
    const received: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, nodeIp, resolve));
    const port = (server.address() as AddressInfo).port;
    const token = 'Tok-Secret-91';
    const resource = (name: string, type: string, parameters: Record<string, string>) => `
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: { name: ${name} }
spec:
  type: ${type}
  parameters: ${JSON.stringify(Object.entries(parameters).map(([n, value]) => ({ name: n, value })))}
---`;
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: resource-type-greeting
  labels: { resource.cyclone.dev/template: "true" }
spec:
  type: Greeting
  resolver: ${RESOLVER_IMAGE}
  operations: [pull, push]
  parameters: [{ name: GREETING, required: true }, { name: TOKEN }, { name: FAIL_WITH }]
---${resource('greeting', 'Greeting', { GREETING: 'hello from the resolver', TOKEN: token })}${resource(
      'broken',
      'Greeting',
      { GREETING: 'never', FAIL_WITH: '3' },
    )}${resource('upload', 'Http', { URL: `http://${nodeIp}:${port}/upload`, COMPRESS_FILE_NAME: 'out.tar' })}
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: greet }
spec:
  pod:
    inputs:
      resources: [{ name: greeting, path: /workspace/greet }]
    outputs:
      resources: [{ name: greeting, path: out }, { name: upload, path: out }]
    spec:
      containers:
        - name: main
          image: ${BASE_IMAGE}
          command: ["sh", "-c", "cat greet/greeting.txt && mkdir -p out && echo made-by-the-stage > out/result.txt"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: greet }
spec:
  stages:
    - name: greet
`;
    try {
      await kit.h.must(APPLY, { input: { tenant: kit.tenant, project: 'web', yaml } });
      const run = await kit.h.waitEnd(await kit.h.start('greet'), 90_000);
      expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
      expect(await kit.h.logs(run.id, 'greet')).toEqual([
        'hello from the resolver',
        '[cyclone] sent resource "upload" (/workspace/out as out.tar): 201: Created',
        `[cyclone] resolver "greeting": pull with ${RESOLVER_IMAGE}`,
        'pull for greet-1/greet with token=***',
        'pulled into /cyclone/resolver/data',
        `[cyclone] resolver "greeting": push with ${RESOLVER_IMAGE}`,
        'push for greet-1/greet with token=***',
        'pushed result.txt: made-by-the-stage',
      ]);
      // The multipart form holds the output folder as a tar archive.
      expect(received).toHaveLength(1);
      const form = received[0]?.toString('latin1') ?? '';
      expect(form).toContain('filename="out.tar"');
      expect(form).toMatch(/\.\/result\.txt\0[\s\S]*made-by-the-stage/);

      // A failed stage: its push resolver, left waiting for notify/ok, does not hold the attempt.
      const failing = yaml
        .replace(/metadata: \{ name: greet \}/g, 'metadata: { name: no-push }')
        .replace(/- name: greet$/m, '- name: no-push')
        .replace('cat greet/greeting.txt && mkdir', 'echo failing; exit 4; mkdir');
      await kit.h.must(APPLY, { input: { tenant: kit.tenant, project: 'web', yaml: failing } });
      const unpushed = await kit.h.waitEnd(await kit.h.start('no-push'), 60_000);
      expect(stageOf(unpushed, 'no-push')).toMatchObject({
        phase: 'FAILED',
        exitCode: 4,
        message: 'exited with code 4',
      });
      expect((await kit.h.logs(unpushed.id, 'no-push'))[0]).toBe('failing');
      await kit.h.createWorkflow('broken', [
        stage('greet', 'echo never', { inputs: { resources: [{ name: 'broken', path: 'greet' }] } }),
      ]);
      const failed = await kit.h.waitEnd(await kit.h.start('broken'), 60_000);
      expect(failed.phase).toBe('FAILED');
      expect(stageOf(failed, 'greet').message).toBe('resource "broken": resolver pull exited with code 3');
      expect(await kit.h.logs(failed.id, 'greet')).toEqual([
        `[cyclone] resolver "broken": pull with ${RESOLVER_IMAGE}`,
        'pull for broken-1/greet with token=',
        'failing as asked',
      ]);
    } finally {
      server.close();
    }
  });

  it('in a RESTRICTED tenant (the default): a root image is refused at once, a non-root stage runs', async () => {
    await kit.h.must(POD_SECURITY, { input: { name: kit.tenant, quota: { podSecurity: 'RESTRICTED' } } });
    // What the reconciler labels a tenant namespace with: the API server then enforces it.
    const namespace = await kit.clients.core.readNamespace({ name: kit.namespace });
    namespace.metadata = {
      ...namespace.metadata,
      labels: { ...namespace.metadata?.labels, 'pod-security.kubernetes.io/enforce': 'restricted' },
    };
    await kit.clients.core.replaceNamespace({ name: kit.namespace, body: namespace });
    await kit.h.createWorkflow('as-root', [stage('whoami', 'id -u')]);
    const refused = await kit.h.waitEnd(await kit.h.start('as-root'), 60_000);
    expect(refused.phase).toBe('FAILED');
    expect(stageOf(refused, 'whoami').message).toMatch(/runAsNonRoot.*Pod Security "restricted".*BASELINE$/);

    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: whoami }
spec:
  pod:
    spec:
      securityContext: { runAsUser: 1000, runAsGroup: 1000 }
      containers:
        - name: main
          image: ${BASE_IMAGE}
          command: ["sh", "-c", "id -u && grep CapEff /proc/self/status"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: as-user }
spec:
  stages:
    - name: whoami
`;
    await kit.h.must(APPLY, { input: { tenant: kit.tenant, project: 'web', yaml } });
    const run = await kit.h.waitEnd(await kit.h.start('as-user'), 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await kit.h.logs(run.id, 'whoami')).toEqual(['1000', 'CapEff:\t0000000000000000']);
  });
});
