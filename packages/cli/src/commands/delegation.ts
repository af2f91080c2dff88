import { pairsOption, pairsOptionSpec, stageOptionSpec, stringOption } from '../args.js';
import type { Command } from '../context.js';
import { CompleteDelegatedStageDocument } from '../documents.js';
import { UsageError } from '../errors.js';
import { stageSummary } from './stage-summary.js';

const PHASES = ['SUCCEEDED', 'FAILED'] as const;

export const completeCommand: Command = {
  spec: {
    name: 'complete',
    summary:
      'Complete a delegated stage that waits for its external system, as that system would: SUCCEEDED with outputs, or FAILED.',
    usage: 'complete RUN --stage S --phase SUCCEEDED|FAILED [--output KEY=VALUE]... [--message TEXT]',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      stage: stageOptionSpec('the delegated stage (required)'),
      phase: { type: 'string', value: 'PHASE', description: 'SUCCEEDED or FAILED (required)' },
      output: pairsOptionSpec('o', 'KEY=VALUE', "one of the stage's outputs (SUCCEEDED only)"),
      message: { type: 'string', value: 'TEXT', description: "the stage's message" },
    },
  },
  async run(ctx) {
    const [runId = ''] = ctx.args.positionals;
    const stage = stringOption(ctx.args, 'stage');
    const phase = stringOption(ctx.args, 'phase')?.toUpperCase();
    if (stage === undefined)
      throw new UsageError('missing --stage: cyclone complete RUN --stage S --phase P', 'complete');
    if (!PHASES.includes(phase as (typeof PHASES)[number])) {
      throw new UsageError('--phase must be SUCCEEDED or FAILED', 'complete');
    }
    const outputs = pairsOption(ctx.args, 'output').map(({ name, value }) => ({ key: name, value }));
    const message = stringOption(ctx.args, 'message');
    const input = {
      runId,
      stage,
      phase: phase as (typeof PHASES)[number],
      outputs,
      ...(message !== undefined ? { message } : {}),
    };
    const { completeDelegatedStage: run } = await ctx.api().request(CompleteDelegatedStageDocument, { input });
    ctx.out(stageSummary(run, stage));
    return 0;
  },
};
