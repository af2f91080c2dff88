import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KubernetesObject, loadAllYaml } from '@kubernetes/client-node';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CHART_DIR = resolve(REPO, 'charts/cyclone');

let binary: string | undefined;

/** The helm built from tools/testenv/helm (npm test builds it in its set-up; cached afterwards). */
export function helmBinary(): string {
  binary ??= execFileSync('bash', [resolve(REPO, 'scripts/testenv/build-go-tool.sh'), 'helm'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1) as string;
  return binary;
}

/** Runs helm; throws with its output when it fails. */
export function helm(args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync(helmBinary(), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HELM_CACHE_HOME: '/tmp/cyclone-helm/cache',
        HELM_CONFIG_HOME: '/tmp/cyclone-helm/config',
        HELM_DATA_HOME: '/tmp/cyclone-helm/data',
        ...env,
      },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

/** `helm template` of the chart with `--set` values, as objects. */
export function renderChart(namespace: string, values: Record<string, string | number | boolean>): KubernetesObject[] {
  const sets = Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const text = helm(['template', 'cyclone', CHART_DIR, '--namespace', namespace, ...sets]);
  return (loadAllYaml(text) as KubernetesObject[]).filter(Boolean);
}
