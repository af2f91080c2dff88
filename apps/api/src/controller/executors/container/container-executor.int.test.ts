import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPrismaClient, type Db } from '../../../db/prisma.js';
import { startDockerRegistry } from '../../../modules/integration-checks/testing/docker-registry.js';
import { runWorkflow, stageOf, waitForRun } from '../../../testing/run-helpers.js';
import { seedTenant } from '../../../testing/seed.js';
import { createGitRepository, runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';
import { waitFor } from '../../../testing/wait.js';
import { RUN_LABEL } from '../stage-paths.js';

const STOP = 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id phase } }';
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';

/**
 * Stages in real containers (a private Docker Engine, the locally built Debian
 * image) through the real API: images, isolation, logs, outputs, inputs, artifacts,
 * exit codes, OOM kills, stop and timeout.
 */
describe('container executor', () => {
  const image = inject('baseImage');
  const docker = new Docker({ socketPath: new URL(inject('dockerHost')).pathname });
  const isPodman = inject('engine') === 'podman';
  // What differs between the engines: their versions, their init process and whether
  // they flag an out-of-memory kill (Podman 4 does not: the message says it is likely).
  const engineVersion = isPodman ? 'Podman 4\\.' : '20\\.';
  const engineInit = isPodman ? /^pid1=\/run\/podman-init -- sh -c/ : /^pid1=\/sbin\/docker-init -- sh -c/;
  const oomMessage = isPodman
    ? /^killed \(SIGKILL\) at its memory limit 48Mi: most likely out of memory \(the engine does not say\); exit code 137$/
    : /^killed: out of memory \(limit 48Mi\); exit code 137$/;
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let dev: string;
  let admin: string;
  let h: ReturnType<typeof runHelpers>;

  const stage = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
    name,
    image,
    command: ['sh', '-c'],
    args: [script],
    ...extra,
  });
  const containersOf = async (runId: string) =>
    docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  /** Waits until the containers of run `id` are gone (the caller asserts it); fails after 15 s. */
  const waitNoContainers = (id: string) =>
    waitFor(() => containersOf(id), {
      until: (containers) => containers.length === 0,
      what: `the containers of run ${id} to go`,
      timeoutMs: 15_000,
      intervalMs: 100,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-containers-'));
    api = await startTestApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      // The test engine has no bridge (REAL-CONTAINERS.md): stages get no network at all.
      CYCLONE_CONTAINER_NETWORK: 'none',
      CYCLONE_CONTAINER_PIDS_LIMIT: '64',
    });
    admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    await seedTenant(api, admin, 'other', {});
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says where stages run: in /healthz and to every signed-in user', async () => {
    const health = (await (await fetch(`${api.url}/healthz`)).json()) as {
      executor?: { kind: string; reason: string };
    };
    expect(health.executor).toMatchObject({ kind: 'container', reason: 'CYCLONE_EXECUTOR' });
    const { engineStatus } = await h.must<{
      engineStatus: { executor: string; detail: string; warning: string | null };
    }>('{ engineStatus { executor detail warning } }', {});
    expect(engineStatus).toEqual({
      executor: 'container',
      detail: expect.stringMatching(
        new RegExp(`^container engine ${engineVersion}[\\d.]+\\S* at ${inject('dockerHost')}$`),
      ),
      warning: null,
    });
    expect((await api.graphql('{ engineStatus { executor } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('runs each stage in its image with only its own environment, sharing the run workspace', async () => {
    await h.createWorkflow('isolated', [
      stage(
        'make',
        [
          'grep PRETTY_NAME /etc/os-release',
          'echo "pid1=$(tr "\\0" " " < /proc/1/cmdline)"',
          'grep NoNewPrivs /proc/self/status',
          'env | sort | grep -E "^(DATABASE_URL|CYCLONE_ENCRYPTION_KEY|PORT|HOST)=" && exit 9',
          `test -e ${dataDir}/encryption.key && exit 8`,
          'echo "ws=$CYCLONE_WORKSPACE pwd=$(pwd) greeting=$GREETING"',
          'echo built > /workspace/made.txt',
          'echo "version: 1.2.3" >> $CYCLONE_RESULTS',
          'echo to-stderr >&2',
          "printf 'nul:\\000:end\\n'",
        ].join('\n'),
        { env: [{ name: 'GREETING', value: 'hello' }] },
      ),
      stage('use', 'cat made.txt && pwd', { dependsOn: ['make'], workingDir: '/workspace' }),
    ]);
    const run = await h.waitEnd(await h.start('isolated'), 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(stageOf(run, 'make')).toMatchObject({ phase: 'SUCCEEDED' });
    expect((run.stages.find((s) => s.name === 'make') as unknown as { outputs: unknown }).outputs).toEqual([
      { key: 'version', value: '1.2.3' },
    ]);
    const lines = await h.logs(run.id, 'make');
    expect(lines).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
    expect(lines.find((l) => l.startsWith('pid1='))).toMatch(engineInit);
    expect(lines.find((l) => l.startsWith('NoNewPrivs'))).toMatch(/NoNewPrivs:\s+1/);
    expect(lines).toContain('ws=/workspace pwd=/workspace greeting=hello');
    expect(lines).toContain('to-stderr');
    // A NUL byte cannot be stored in Postgres text: it is replaced, and no line is lost.
    expect(lines).toContain('nul:\uFFFD:end');
    expect(await h.logs(run.id, 'use')).toEqual(['built', '/workspace']);
    // Collected and removed: nothing is left behind.
    expect(await containersOf(run.id)).toEqual([]);
  });

  it('records the exit code, and explains an out-of-memory kill', async () => {
    const yaml = `
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: hog }
spec:
  pod:
    spec:
      containers:
        - name: main
          image: ${image}
          command: ["sh", "-c", "head -c 400m /dev/zero | tail"]
          resources: { limits: { memory: 48Mi } }
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: three }
spec:
  pod:
    spec:
      containers:
        - name: main
          image: ${image}
          command: ["sh", "-c", "echo about to fail; exit 3"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: failing }
spec:
  stages:
    - name: hog
    - name: three
`;
    await h.must(APPLY, { input: { tenant: 'acme', project: 'web', yaml } });
    const run = await h.waitEnd(await h.start('failing'), 60_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'three')).toMatchObject({ phase: 'FAILED', message: 'exited with code 3' });
    expect(stageOf(run, 'hog').message).toMatch(oomMessage);
    expect(await h.logs(run.id, 'three')).toEqual(['about to fail']);
  });

  it("applies the workflow's default resources to a stage that sets none", async () => {
    await h.must('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
      input: {
        tenant: 'acme',
        project: 'web',
        name: 'bounded',
        resources: { requests: { cpu: '100m' }, limits: { cpu: '500m', memory: '96Mi' } },
        // cgroup v2 names the files memory.max and cpu.max, v1 memory.limit_in_bytes and cpu.cfs_quota_us.
        stages: [
          stage(
            'measure',
            'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ' +
              'cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us',
          ),
        ],
      },
    });
    const { workflow } = await h.must<{ workflow: { resources: unknown } }>(
      'query { workflow(tenant: "acme", project: "web", name: "bounded") { resources { requests { cpu memory } limits { cpu memory } } } }',
      {},
    );
    expect(workflow.resources).toEqual({
      requests: { cpu: '100m', memory: null },
      limits: { cpu: '500m', memory: '96Mi' },
    });
    const run = await h.waitEnd(await h.start('bounded'), 60_000);
    expect(stageOf(run, 'measure').phase).toBe('SUCCEEDED');
    const [memory, cpu] = await h.logs(run.id, 'measure');
    expect(memory).toBe(String(96 * 2 ** 20));
    // Half a cpu: a quota of half the period (v2 "50000 100000", v1 "50000").
    expect(cpu?.split(' ')[0]).toBe('50000');
  });

  it('acceleration: /root/.cache and /root/.m2 of a stage outlive its container', async () => {
    await h.must('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
      input: {
        tenant: 'acme',
        project: 'web',
        name: 'accelerated',
        acceleration: true,
        stages: [
          stage(
            'build',
            'echo "mark=$(cat /root/.cache/mark 2>/dev/null || echo none)"; echo "$CYCLONE_RUN_ID" > /root/.cache/mark; touch /root/.m2/settings.xml',
          ),
        ],
      },
    });
    const first = await h.waitEnd(await h.start('accelerated'), 60_000);
    expect(stageOf(first, 'build').phase).toBe('SUCCEEDED');
    expect(await h.logs(first.id, 'build')).toContain('mark=none');
    const second = await h.waitEnd(await h.start('accelerated'), 60_000);
    expect(await h.logs(second.id, 'build')).toContain(`mark=${first.id}`);
  });

  it('stop kills the container and every process in it', async () => {
    await h.createWorkflow('long', [stage('wait', 'setsid sleep 301 & sleep 302 & echo started; wait', {})]);
    const id = await h.start('long');
    await waitForRun(api, dev, id, {
      until: (run) => run.stages.some((s) => s.phase === 'RUNNING'),
      what: 'a stage to run',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    await waitFor(async () => (await h.logs(id, 'wait')).includes('started'), {
      what: 'the stage to print "started"',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect((await containersOf(id)).map((c) => c.State)).toEqual(['running']);
    await h.must(STOP, { id });
    const run = await h.waitEnd(id, 30_000);
    expect(run.phase).toBe('CANCELLED');
    await waitNoContainers(id);
    expect(await containersOf(id)).toEqual([]);
    expect(sleepers()).toEqual([]);
  });

  it('a timeout kills the container and fails the stage', async () => {
    await h.createWorkflow('slow', [stage('nap', 'echo napping; sleep 303', { timeout: '2s' })]);
    const run = await h.waitEnd(await h.start('slow'), 30_000);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'nap').message).toMatch(/timed out|timeout/i);
    await waitNoContainers(run.id);
    expect(await containersOf(run.id)).toEqual([]);
  });

  it('stores every line in order, stdout and stderr interleaved, without gaps', async () => {
    await h.createWorkflow('loud', [
      stage('print', 'i=1; while [ $i -le 3000 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; printf tail'),
    ]);
    const run = await h.waitEnd(await h.start('loud'), 60_000);
    expect(run.phase).toBe('SUCCEEDED');
    const rows = await db.logLine.findMany({ where: { runId: run.id, stage: 'print' }, orderBy: { seq: 'asc' } });
    expect(rows).toHaveLength(6001);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    // Each stream whole and in order (how the two interleave is the engine's to decide).
    const textsOf = (stream: string) => rows.filter((r) => r.stream === stream).map((r) => r.text);
    const numbered = (prefix: string) => Array.from({ length: 3000 }, (_, i) => `${prefix} ${i + 1}`);
    expect(textsOf('STDOUT')).toEqual([...numbered('out'), 'tail']);
    expect(textsOf('STDERR')).toEqual(numbered('err'));
    expect(rows.at(-1)?.text).toBe('tail');
  });

  it('places Git inputs and artifacts in the workspace the containers share', async () => {
    const repo = createGitRepository();
    await h.createResource('source', 'GIT', [{ name: 'SCM_URL', value: `file://${repo.bare}` }]);
    await h.createWorkflow('build', [
      stage('compile', 'cat src/version.txt && mkdir -p /workspace/out && cp src/version.txt /workspace/out/v', {
        inputs: { resources: [{ name: 'source', path: '/workspace/src' }] },
        outputs: { artifacts: [{ name: 'version', path: 'out/v' }] },
      }),
      stage('ship', 'cat got/v; ls src', {
        dependsOn: ['compile'],
        inputs: { artifacts: [{ name: 'version', path: 'got/v', source: 'compile/version' }] },
      }),
    ]);
    const run = await h.waitEnd(await h.start('build'), 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await h.logs(run.id, 'compile')).toContain('two');
    expect(run.artifacts.map((a) => a.name)).toEqual(['version']);
    const shipped = await h.logs(run.id, 'ship');
    expect(shipped).toContain('two');
    expect(shipped).toContain('version.txt');
    rmSync(repo.bare, { recursive: true, force: true });
  });

  it("takes the original Cyclone's paths outside /workspace (/go/src/…) as the workspace's folder of that name", async () => {
    const repo = createGitRepository();
    await h.createResource('upstream', 'GIT', [{ name: 'SCM_URL', value: `file://${repo.bare}` }]);
    await h.createWorkflow('gopath', [
      stage('build', 'pwd; cat version.txt; mkdir -p bin && echo app > bin/app', {
        workingDir: '/go/src/examples',
        inputs: { resources: [{ name: 'upstream', path: '/go/src/examples' }] },
        outputs: { artifacts: [{ name: 'app', path: '/go/src/examples/bin/app' }] },
      }),
      stage('use', 'cat /workspace/go/src/examples/bin/app', { dependsOn: ['build'] }),
    ]);
    const run = await h.waitEnd(await h.start('gopath'), 60_000);
    expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
    expect(await h.logs(run.id, 'build')).toEqual(expect.arrayContaining(['/go/src/examples', 'two']));
    expect(run.artifacts.map((a) => a.name)).toEqual(['app']);
    // A stage that names no such path finds it in the workspace.
    expect(await h.logs(run.id, 'use')).toContain('app');
    rmSync(repo.bare, { recursive: true, force: true });
  });

  it('pulls a private image with the registry integration of its registry', async () => {
    const credentials = { username: 'puller', password: 'registry-Secret-9' };
    const registry = await startDockerRegistry({ htpasswd: credentials }, inject('registryPorts').executor);
    try {
      const host = new URL(registry.url).host;
      const repo = `${host}/acme/debian`;
      const authconfig = { ...credentials, serveraddress: host };
      await docker.getImage(image).tag({ repo, tag: 'v1' });
      const pushing = await docker.getImage(`${repo}:v1`).push({ authconfig });
      await new Promise((resolve, reject) =>
        docker.modem.followProgress(pushing, (error: Error | null) => (error ? reject(error) : resolve(undefined))),
      );
      // Only the registry has it now: the stage must pull it.
      await docker.getImage(`${repo}:v1`).remove();
      await h.must(
        'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
        {
          input: {
            tenant: 'acme',
            name: 'private-registry',
            type: 'DOCKER_REGISTRY',
            config: { server: registry.url, username: credentials.username },
            secret: { password: credentials.password },
          },
        },
        admin,
      );
      await h.createWorkflow('private', [
        { name: 'pulled', image: `${repo}:v1`, command: ['sh', '-c', 'grep VERSION_CODENAME /etc/os-release'] },
      ]);
      const run = await h.waitEnd(await h.start('private'), 60_000);
      expect(run.phase, JSON.stringify(run)).toBe('SUCCEEDED');
      const lines = await h.logs(run.id, 'pulled');
      expect(lines).toEqual([`[cyclone] pulling image ${repo}:v1`, 'VERSION_CODENAME=bookworm']);

      // The same image in a tenant without the integration: refused by the registry, and said so.
      await docker.getImage(`${repo}:v1`).remove();
      await h.must(
        'mutation($input: CreateProjectInput!) { createProject(input: $input) { name } }',
        {
          input: { tenant: 'other', name: 'web' },
        },
        admin,
      );
      await h.must(
        'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
        {
          input: {
            tenant: 'other',
            project: 'web',
            name: 'private',
            stages: [{ name: 'pulled', image: `${repo}:v1`, command: ['true'] }],
          },
        },
        admin,
      );
      const refused = (await runWorkflow(api, admin, { tenant: 'other', project: 'web', workflow: 'private' })).id;
      const failed = await runHelpers(api, () => admin).waitEnd(refused, 60_000);
      expect(stageOf(failed, 'pulled').phase).toBe('FAILED');
      expect(stageOf(failed, 'pulled').message).toMatch(
        new RegExp(`^image "${repo}:v1": .*(no basic auth|unauthorized)`),
      );
    } finally {
      await registry.stop();
    }
  });

  it('refuses to pull from a registry the outbound policy refuses, before the engine connects', async () => {
    await h.createWorkflow('inside', [{ name: 'pull', image: '127.0.0.2:5000/acme/tool:v1', command: ['true'] }]);
    const run = await h.waitEnd(await h.start('inside'), 30_000);
    expect(stageOf(run, 'pull').phase).toBe('FAILED');
    expect(stageOf(run, 'pull').message).toMatch(
      /^image "127\.0\.0\.2:5000\/acme\/tool:v1": 127\.0\.0\.2 is a loopback address/,
    );
    expect(await h.logs(run.id, 'pull')).not.toContain('[cyclone] pulling image 127.0.0.2:5000/acme/tool:v1');
  });

  it('fails a stage whose image is missing and may not be pulled, saying so', async () => {
    const yaml = `
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: ghost }
spec:
  pod:
    spec:
      containers:
        - name: main
          image: local/not-here:v1
          imagePullPolicy: Never
          command: ["true"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: ghostly }
spec:
  stages:
    - name: ghost
`;
    await h.must(APPLY, { input: { tenant: 'acme', project: 'web', yaml } });
    const run = await h.waitEnd(await h.start('ghostly'), 30_000);
    expect(stageOf(run, 'ghost')).toMatchObject({
      phase: 'FAILED',
      message: 'image "local/not-here:v1": not present on this engine, and its pull policy is Never',
    });
  });
});

/** Host processes of the stop test's stage (a container's processes are host processes too). */
function sleepers(): string[] {
  try {
    return execFileSync('pgrep', ['-f', 'sleep 30[12]'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
