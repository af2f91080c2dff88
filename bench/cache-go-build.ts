// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the stage's cache key is a Cyclone reference.
// Benchmark: a Go build run twice through Cyclone (host executor, one API process with
// role all), the second with a warm stage cache: GOCACHE and GOMODCACHE live in the
// workspace and are saved as `go-${hashFiles('src/go.mod', 'src/go.sum')}` after the first
// run and restored before the second. Prints both run times, the `go build` step
// alone, the restore and save lines and the cache entry's size.
// Run: pnpm --filter @cyclone/bench cache-go   (Go at /usr/local/go/bin or on PATH)
// BENCH_GO_MODULE=1 also requires an external module (github.com/google/uuid) through
// the Go module proxy: the stage then needs the network (a sandbox without it fails).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wideGoProgram } from './lib/go-program.js';
import { graphql, seedBenchProject, startBenchPlatform } from './lib/platform.js';

const WITH_MODULE = process.env.BENCH_GO_MODULE === '1';
const GO_BIN = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin' : '';

const MAIN_GO = wideGoProgram({ withUuid: WITH_MODULE });

/** A Git repository holding the Go module, pulled by the stage as a resource. */
function makeRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'cyclone-bench-go-'));
  const work = join(root, 'work');
  const bare = join(root, 'repo.git');
  mkdirSync(work);
  writeFileSync(join(work, 'go.mod'), 'module example.com/benchapp\n\ngo 1.22\n');
  writeFileSync(join(work, 'main.go'), MAIN_GO);
  const env = { ...process.env, PATH: `${GO_BIN}:${process.env.PATH}`, GOFLAGS: '-modcacherw' };
  if (WITH_MODULE) execFileSync('go', ['get', 'github.com/google/uuid@v1.6.0'], { cwd: work, env, stdio: 'ignore' });
  else writeFileSync(join(work, 'go.sum'), '');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=bench@cyclone.local', '-c', 'user.name=bench', ...args], {
      cwd: work,
      stdio: 'ignore',
    });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'app');
  git('push', '-q', bare, 'main');
  return bare;
}

const BUILD = [
  'set -e',
  'export GOCACHE="$PWD/.cache/go-build" GOMODCACHE="$PWD/.cache/go-mod" GOFLAGS=-modcacherw GOTOOLCHAIN=local',
  'start=$(date +%s.%N)',
  // src is a link to the pulled copy: the binary goes to the workspace by its full path.
  'ws=$PWD && cd src && go build -o "$ws/app" . && cd "$ws"',
  'end=$(date +%s.%N)',
  'echo "go-build-seconds:$(echo "$end - $start" | bc)" >> "$CYCLONE_RESULTS"',
  './app',
].join('\n');

const bare = makeRepository();
const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  env: { CYCLONE_EXECUTOR: 'host', CYCLONE_ALLOW_LOCAL_REPOSITORIES: 'true' },
});
try {
  const token = await seedBenchProject(platform.apiUrl);
  const call = <T>(query: string, variables: object) => graphql<T>(platform.apiUrl, query, variables, token);
  const scope = { tenant: 'bench', project: 'shop' };
  await call('mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }', {
    input: { ...scope, name: 'src', type: 'GIT', parameters: [{ name: 'SCM_URL', value: `file://${bare}` }] },
  });
  await call('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
    input: {
      ...scope,
      name: 'go-build',
      stages: [
        {
          name: 'build',
          image: 'golang:1.26',
          command: ['sh', '-c', BUILD],
          env: [{ name: 'PATH', value: `${GO_BIN ? `${GO_BIN}:` : ''}/usr/local/bin:/usr/bin:/bin` }],
          inputs: { resources: [{ name: 'src', path: 'src' }] },
          caches: [
            {
              key: "go-${hashFiles('src/go.mod', 'src/go.sum')}",
              paths: ['.cache/go-build', '.cache/go-mod'],
              restoreKeys: ['go-'],
            },
          ],
        },
      ],
    },
  });

  const results: { label: string; seconds: number; build: string; lines: string[] }[] = [];
  for (const label of ['cold (empty cache)', 'warm (cache restored)']) {
    const started = Date.now();
    const { runWorkflow } = await call<{ runWorkflow: { id: string } }>(
      'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }',
      { input: { ...scope, workflow: 'go-build' } },
    );
    const run = await waitForRun(call, runWorkflow.id);
    const seconds = (Date.now() - started) / 1000;
    const { workflowRunLogs } = await call<{ workflowRunLogs: { line: string }[] }>(
      'query($id: ID!) { workflowRunLogs(id: $id, stage: "build") { line } }',
      { id: runWorkflow.id },
    );
    if (run.phase !== 'SUCCEEDED') {
      const log = workflowRunLogs.map((l) => l.line).join('\n');
      throw new Error(`run ${label} ended ${run.phase}: ${run.message}\n${log}`);
    }
    const build = run.stages[0]?.outputs.find((o) => o.key === 'go-build-seconds')?.value ?? '?';
    const lines = workflowRunLogs.map((l) => l.line).filter((line) => line.startsWith('[cyclone] cache'));
    results.push({ label, seconds, build, lines });
  }
  const { caches } = await call<{ caches: { key: string; size: number }[] }>(
    'query { caches(tenant: "bench") { key size } }',
    {},
  );
  console.log(`Go build through Cyclone (host executor, ${WITH_MODULE ? 'with' : 'no'} external module)`);
  for (const result of results) {
    console.log(`  ${result.label}: run ${result.seconds.toFixed(1)} s, go build ${Number(result.build).toFixed(1)} s`);
    for (const line of result.lines) console.log(`    ${line}`);
  }
  const [cold, warm] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(`  speed-up of the run: ${(cold.seconds / warm.seconds).toFixed(1)}x`);
  for (const cache of caches) console.log(`  cache entry ${cache.key}: ${(cache.size / 1024 ** 2).toFixed(1)} MB`);
} finally {
  await platform.stop();
  rmSync(join(bare, '..'), { recursive: true, force: true });
}

/** Polls the run until it ends. */
async function waitForRun(call: <T>(query: string, variables: object) => Promise<T>, id: string) {
  for (;;) {
    const { workflowRun } = await call<{
      workflowRun: { phase: string; message: string; stages: { outputs: { key: string; value: string }[] }[] };
    }>('query($id: ID!) { workflowRun(id: $id) { phase message stages { outputs { key value } } } }', { id });
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(workflowRun.phase)) return workflowRun;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
