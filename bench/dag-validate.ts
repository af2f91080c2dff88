// Prints how long packages/dag takes to validate and lay out large workflows.
// Run: pnpm --filter @cyclone/bench exec tsx dag-validate.ts
import { performance } from 'node:perf_hooks';
import { buildDag, type DagStage, levels, validateDag } from '@cyclone/dag';

/** A layered graph: `width` stages per level, each depending on two stages of the level above. */
function layeredWorkflow(stageCount: number, width: number): DagStage[] {
  return Array.from({ length: stageCount }, (_, i) => {
    const level = Math.floor(i / width);
    const dependsOn =
      level === 0 ? [] : [`s${(level - 1) * width + (i % width)}`, `s${(level - 1) * width + ((i + 1) % width)}`];
    return { name: `s${i}`, dependsOn };
  });
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

for (const stageCount of [50, 500, 5000]) {
  const stages = layeredWorkflow(stageCount, 10);
  const samples: number[] = [];
  for (let run = 0; run < 21; run++) {
    const started = performance.now();
    if (validateDag(stages).length > 0) throw new Error('generated workflow should be valid');
    levels(buildDag(stages));
    samples.push(performance.now() - started);
  }
  console.log(`validate + levels, ${stageCount} stages: median ${median(samples).toFixed(2)} ms over 21 runs`);
}
