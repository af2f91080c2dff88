// Benchmark: the original Cyclone's golang example (Resource, Stages, Workflow and
// WorkflowRun as upstream wrote them) applied to Cyclone and run twice with the
// `workflowrun.cyclone.dev/acceleration: "true"` label, on the container executor.
// Swapped for what runs here: the images (a Go image built from the local Debian base and
// this machine's Go; the docker:dind of the image stage by the same base, since no stage
// has a Docker daemon), the repository (a Go program over a wide part of the standard
// library, served by git http-backend on loopback). The first run fills /root/.cache
// (Go's build cache); the second restores it. Prints both runs' wall times, the `go build`
// step of each, and the acceleration cache lines.
// Run: pnpm --filter @cyclone/bench acceleration-go   (needs Docker Engine from Debian, Go at /usr/local/go)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHttpServer } from '../apps/api/src/modules/scm/testing/git-http-server.js';
import { BASE_IMAGE, startContainerEngine } from '../scripts/testenv/container-engine.mjs';
import { wideGoProgram } from './lib/go-program.js';
import { graphql, seedBenchProject, startBenchPlatform } from './lib/platform.js';

const GO_IMAGE = 'local/golang:bench';

/** The upstream example (example-golang.yaml) with the swaps above; __REPO__ is the loopback repository. */
const EXAMPLE = `
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: golang-example-codes
spec:
  type: Git
  parameters:
  - name: SCM_URL
    value: __REPO__
  - name: SCM_REVISION
    value: master
---
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: golang-example-image
spec:
  type: Image
  parameters:
  - name: IMAGE
    value: 127.0.0.1:5000/golang-example:v0.0.1
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: golang-build
spec:
  pod:
    inputs:
      resources:
      - name: golang-example-codes
        path: /go/src/examples
    spec:
      containers:
      - name: main
        image: ${GO_IMAGE}
        workingDir: /go/src/examples/golang
        command:
        - /bin/sh
        - -c
        - "s=$(date +%s%N); go build -o ./bin/app . && echo go-build-ms:$(( ($(date +%s%N) - s) / 1000000 )) >> $CYCLONE_RESULTS && ./bin/app"
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: golang-image-build
spec:
  pod:
    inputs:
      resources:
      - name: golang-example-codes
        path: /go/src/examples
    outputs:
      resources:
      - name: golang-example-image
    spec:
      containers:
      - name: main
        image: ${BASE_IMAGE}
        workingDir: /go/src/examples/golang
        command:
        - /bin/sh
        - -c
        - tar -cf ./image.tar -C /go/src/examples/golang . && ls -l ./image.tar
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: ci-golang
spec:
  stages:
  - name: golang-build
  - name: golang-image-build
    depends:
    - golang-build
`;

const workflowRun = (name: string) => `
apiVersion: cyclone.dev/v1alpha1
kind: WorkflowRun
metadata:
  name: ${name}
  labels:
    workflowrun.cyclone.dev/acceleration: "true"
spec:
  workflowRef:
    kind: workflow.cyclone.dev
    name: ci-golang
  timeout: 1h
`;

/** The example repository (the upstream code-zoo's layout: the program under golang/), bare, under `root`. */
function makeRepository(root: string): void {
  const work = join(root, 'work');
  mkdirSync(join(work, 'golang'), { recursive: true });
  writeFileSync(join(work, 'golang', 'go.mod'), 'module example.com/golang\n\ngo 1.22\n');
  writeFileSync(join(work, 'golang', 'main.go'), wideGoProgram());
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=bench@cyclone.local', '-c', 'user.name=bench', ...args], {
      cwd: work,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'master');
  git('add', '.');
  git('commit', '-q', '-m', 'golang example');
  execFileSync('git', ['clone', '-q', '--bare', work, join(root, 'code-zoo.git')], { stdio: 'ignore' });
}

/** A Go image from the local Debian base and this machine's Go (no registry here). */
function buildGoImage(dockerHost: string): void {
  const context = mkdtempSync(join(tmpdir(), 'cyclone-bench-go-image-'));
  try {
    cpSync('/usr/local/go', join(context, 'go'), { recursive: true });
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        `FROM ${BASE_IMAGE}`,
        'COPY go /usr/local/go',
        'ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-modcacherw',
        '',
      ].join('\n'),
    );
    execFileSync('/usr/bin/docker', ['build', '--quiet', '-t', GO_IMAGE, context], {
      env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

interface RunView {
  id: string;
  phase: string;
  message: string;
  acceleration: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  stages: { name: string; phase: string; message: string; outputs: { key: string; value: string }[] }[];
}

const scratch = mkdtempSync(join(tmpdir(), 'cyclone-bench-accel-'));
const engine = await startContainerEngine({ stateDir: join(scratch, 'engine') });
makeRepository(join(scratch, 'git'));
const git = await startGitHttpServer(join(scratch, 'git'));
let platform: Awaited<ReturnType<typeof startBenchPlatform>> | undefined;
try {
  buildGoImage(engine.dockerHost);
  platform = await startBenchPlatform({
    role: 'all',
    fromSource: process.env.BENCH_FROM_DIST !== '1',
    env: {
      // The example's repository is served on loopback, like every server a bench talks to.
      CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32',
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: engine.dockerHost,
      CYCLONE_CONTAINER_NETWORK: 'none',
    },
  });
  const apiUrl = platform.apiUrl;
  const token = await seedBenchProject(apiUrl);
  const call = <T>(query: string, variables: object) => graphql<T>(apiUrl, query, variables, token);
  const apply = (yaml: string) =>
    call<{ applyManifests: { kind: string; action: string; message: string | null }[] }>(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action message } }',
      { input: { tenant: 'bench', project: 'shop', yaml } },
    );
  /** The newest run of the example's workflow (a WorkflowRun document queues one). */
  const newestRun = async () => {
    const { workflow } = await call<{ workflow: { runs: { id: string }[] } }>(
      'query { workflow(tenant: "bench", project: "shop", name: "ci-golang") { runs(first: 1) { id } } }',
      {},
    );
    return workflow.runs[0]?.id as string;
  };
  await apply(EXAMPLE.replace('__REPO__', `${git.url}/code-zoo.git`));

  const results: { label: string; seconds: number; goBuildMs: string; lines: string[] }[] = [];
  for (const [index, label] of ['first (cold)', 'second (accelerated)'].entries()) {
    const started = Date.now();
    const { applyManifests } = await apply(workflowRun(`ci-wfr-golang-${index + 1}`));
    if (applyManifests[0]?.action !== 'CREATED') throw new Error(`no run queued: ${JSON.stringify(applyManifests)}`);
    const id = await newestRun();
    const run = await waitForRun(call, id);
    const seconds = (Date.now() - started) / 1000;
    const { workflowRunLogs } = await call<{ workflowRunLogs: { line: string }[] }>(
      'query($id: ID!) { workflowRunLogs(id: $id, stage: "golang-build") { line } }',
      { id },
    );
    if (run.phase !== 'SUCCEEDED' || !run.acceleration) {
      const log = workflowRunLogs.map((l) => l.line).join('\n');
      const stages = run.stages.map((s) => `${s.name}: ${s.phase} ${s.message}`).join('\n');
      throw new Error(
        `run ${label} ended ${run.phase} (acceleration ${run.acceleration}): ${run.message}\n${stages}\n${log}`,
      );
    }
    const build = run.stages.find((s) => s.name === 'golang-build');
    results.push({
      label,
      seconds,
      goBuildMs: build?.outputs.find((o) => o.key === 'go-build-ms')?.value ?? '?',
      lines: workflowRunLogs.map((l) => l.line).filter((line) => line.startsWith('[cyclone] cache')),
    });
  }
  const { storageUsage } = await call<{ storageUsage: { project: { name: string }; cacheBytes: number }[] }>(
    'query { storageUsage(tenant: "bench") { project { name } cacheBytes } }',
    {},
  );
  console.log(
    'Upstream golang example, WorkflowRun labelled workflowrun.cyclone.dev/acceleration (container executor)',
  );
  for (const result of results) {
    console.log(`  ${result.label}: run ${result.seconds.toFixed(1)} s, go build ${result.goBuildMs} ms`);
    for (const line of result.lines) console.log(`    ${line}`);
  }
  for (const usage of storageUsage) console.log(`  caches of project ${usage.project.name}: ${usage.cacheBytes} bytes`);
  const [cold, warm] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(`second/first wall time: ${(warm.seconds / cold.seconds).toFixed(2)}`);
} finally {
  await platform?.stop();
  await git.stop();
  await engine.stop();
  rmSync(scratch, { recursive: true, force: true });
}

async function waitForRun(call: <T>(query: string, variables: object) => Promise<T>, id: string): Promise<RunView> {
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    const { workflowRun } = await call<{ workflowRun: RunView }>(
      `query($id: ID!) { workflowRun(id: $id) { id phase message acceleration startedAt finishedAt
        stages { name phase message outputs { key value } } } }`,
      { id },
    );
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(workflowRun.phase)) return workflowRun;
    if (Date.now() > until) throw new Error(`run ${id} did not end: ${workflowRun.phase}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
