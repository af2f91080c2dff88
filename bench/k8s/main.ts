// `pnpm --filter @cyclone/bench k8s`: Cyclone alone (runs.ts), or with `--compare argo`
// next to Argo Workflows on the same control plane (compare/compare.ts).
const args = process.argv.slice(2).filter((a) => a !== '--');
const compareWith = args[args.indexOf('--compare') + 1];
if (args.includes('--compare')) {
  if (compareWith !== 'argo') throw new Error(`--compare ${compareWith ?? ''}: only "argo" is known`);
  await import('./compare/compare.js');
} else {
  await import('./runs.js');
}
