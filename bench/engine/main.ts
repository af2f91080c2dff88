// `pnpm --filter @cyclone/bench engine`: one size (runs.ts, BENCH_RUNS), or
// `engine -- --sizes 250,1000,4000`: each size in turn and a table of per-run costs.
import { join } from 'node:path';
import { runSizes, sizesFromArgs } from '../lib/sizes.js';

const sizes = sizesFromArgs(process.argv.slice(2));
if (sizes) {
  const executor = process.env.BENCH_EXECUTOR === 'container' ? 'container' : 'host';
  await runSizes(join(import.meta.dirname, 'runs.ts'), sizes, `engine bench, ${executor} executor`);
} else {
  await import('./runs.js');
}
