// Cyclone vs Argo Workflows on one test control plane with kwok nodes, one after the
// other in one invocation: N one-stage runs submitted at once to each of Cyclone,
// Argo's workflow-controller with its defaults, and with qps 200 / burst 300 / 64
// workers. Prints one table and, last, the runs/min ratios (bench/README.md).
//
// Argo v4.0.5 (the only version its Go module is served at) has reported security
// flaws: it is built here on demand, never shipped, never used by the product, and
// runs only inside a network namespace made for this benchmark (scripts/testenv/
// netns.mjs), talking to the control plane on that namespace's loopback.
//
// Run: pnpm --filter @cyclone/bench k8s -- --compare argo     (root: network namespace)
//   BENCH_RUNS=500 (per system)  BENCH_TIMEOUT_MS=1800000  BENCH_FROM_SOURCE=1 (else apps/api/dist)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCrds, loadKubeConfig, makeClients } from '../../../packages/k8s/dist/index.js';
import { auditLogPathOf, startControlPlane } from '../../../scripts/testenv/control-plane.mjs';
import { cpuSecondsOfTree } from '../../lib/cpu.js';
import { ARGO_DEFAULT, ARGO_TUNED, installArgoCrds, measureArgo } from './argo-side.js';
import { measureCyclone } from './cyclone-side.js';
import type { Measurement } from './measurement.js';
import { formatComparison } from './report.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const ARGO_MODULE = 'github.com/argoproj/argo-workflows/v4';

/** Outside the network namespace: builds Argo (needs the module proxy), then runs the rest inside one. */
function enterNetworkNamespace(args: string[]): void {
  const toolDir = join(repoRoot, 'tools', 'testenv', 'argo');
  const binary = execFileSync('bash', [join(repoRoot, 'scripts', 'testenv', 'build-go-tool.sh'), 'argo'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop() as string;
  const version = /^require\s+\S+\s+(\S+)/m.exec(readFileSync(join(toolDir, 'go.mod'), 'utf8'))?.[1];
  const { Dir } = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${ARGO_MODULE}@${version}`], { cwd: toolDir, encoding: 'utf8' }),
  ) as { Dir: string };
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'scripts', 'testenv', 'netns.mjs'),
      process.execPath,
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      ...args,
    ],
    {
      cwd: join(repoRoot, 'bench'),
      stdio: 'inherit',
      env: { ...process.env, BENCH_ARGO_BIN: binary, BENCH_ARGO_MODULE_DIR: Dir },
    },
  );
  child.on('exit', (code) => process.exit(code ?? 1));
}

/** CPU seconds used so far by the control plane's components, as its pids.json lists them. */
function controlPlaneCpuSeconds(stateDir: string): number {
  const { components } = JSON.parse(readFileSync(join(stateDir, 'pids.json'), 'utf8')) as {
    components: Record<string, { pid: number }>;
  };
  return Object.values(components).reduce((sum, { pid }) => sum + cpuSecondsOfTree(pid), 0);
}

const progress = (m: Measurement) =>
  process.stderr.write(
    `${m.name}: ${m.runs} runs in ${(m.wallMs / 1000).toFixed(1)} s; by client ${JSON.stringify(m.writesByClient)}; controller, run objects ${JSON.stringify(m.controllerRunWrites)}\n`,
  );

async function compare(): Promise<void> {
  if (process.env.BENCH_FROM_SOURCE !== '1' && !existsSync(join(repoRoot, 'apps', 'api', 'dist', 'main.js')))
    throw new Error('apps/api/dist/main.js is missing: run `pnpm build` first (or set BENCH_FROM_SOURCE=1)');
  const runs = Number(process.env.BENCH_RUNS ?? 500);
  const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 1_800_000);
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-bench-argo-'));
  const cp = await startControlPlane({ stateDir, auditLog: true });
  try {
    const clients = makeClients(loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath }));
    await installCrds(clients);
    await installArgoCrds(clients, process.env.BENCH_ARGO_MODULE_DIR as string);
    const common = {
      clients,
      kubeconfigPath: cp.kubeconfigPath,
      auditLog: auditLogPathOf(stateDir),
      runs,
      timeoutMs,
      controlPlaneCpuSeconds: () => controlPlaneCpuSeconds(stateDir),
    };
    const loadBefore = loadavg();
    const measurements: Measurement[] = [];
    process.stderr.write(`cyclone: ${runs} runs\n`);
    measurements.push(await measureCyclone(common));
    progress(measurements.at(-1) as Measurement);
    for (const settings of [ARGO_DEFAULT, ARGO_TUNED]) {
      process.stderr.write(`${settings.name}: ${runs} runs\n`);
      measurements.push(
        await measureArgo({
          ...common,
          binary: process.env.BENCH_ARGO_BIN as string,
          logDir: join(stateDir, 'logs'),
          settings,
        }),
      );
      progress(measurements.at(-1) as Measurement);
    }
    const f = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
    console.log(`load average (1/5/15 min) before: ${f(loadBefore)}, after: ${f(loadavg())}`);
    console.log(formatComparison(measurements));
  } finally {
    await cp.stop();
    if (!process.env.BENCH_KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  }
}

if (process.env.CYCLONE_TESTENV_NETNS && process.env.BENCH_ARGO_BIN) {
  // Exit handlers stop what the benchmark started (Argo's controller) when it is interrupted.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  await compare();
} else enterNetworkNamespace(process.argv.slice(2));
