// `pnpm --filter @cyclone/bench k8s`: Cyclone alone (runs.ts), or with `--compare argo`
// next to Argo Workflows on the same control plane (compare/compare.ts), or
// `k8s -- --sizes 250,1000,4000`: runs.ts at each size in turn and a table of per-run costs.
import { join } from 'node:path';
import { runSizes, sizesFromArgs } from '../lib/sizes.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const compareWith = args[args.indexOf('--compare') + 1];
if (args.includes('--compare')) {
  if (compareWith !== 'argo') throw new Error(`--compare ${compareWith ?? ''}: only "argo" is known`);
  await import('./compare/compare.js');
} else if (args.includes('--sizes')) {
  await runSizes(join(import.meta.dirname, 'runs.ts'), sizesFromArgs(args) ?? [], 'k8s bench (kwok nodes)');
} else {
  await import('./runs.js');
}
