import { pairsOption, pairsOptionSpec, stageOptionSpec, stringOption } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { ApproveRunDocument, ApproveStageDocument, RejectStageDocument } from '../documents.js';
import { UsageError } from '../errors.js';
import { stageSummary } from './stage-summary.js';

export const approveCommand: Command = {
  spec: {
    name: 'approve',
    summary: 'Approve an approval stage of a run (with --stage), or a run that waits for a member before it starts.',
    usage: 'approve RUN [--stage S] [--comment TEXT] [--input NAME=VALUE]...',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      stage: stageOptionSpec('the approval stage to approve'),
      comment: { type: 'string', value: 'TEXT', description: 'why, shown with your approval' },
      input: pairsOptionSpec('i', 'NAME=VALUE', "a value for one of the stage's inputs"),
    },
  },
  async run(ctx) {
    const [runId = ''] = ctx.args.positionals;
    const stage = stringOption(ctx.args, 'stage');
    const comment = stringOption(ctx.args, 'comment');
    const inputs = pairsOption(ctx.args, 'input');
    if (stage === undefined) {
      if (comment !== undefined || inputs.length > 0)
        throw new UsageError('--comment and --input need --stage', 'approve');
      const { approveWorkflowRun: run } = await ctx.api().request(ApproveRunDocument, { id: runId });
      ctx.out(`run #${run.number} of ${run.workflow.name} approved: ${run.phase}\n`);
      return 0;
    }
    const input = { runId, stage, ...(comment !== undefined ? { comment } : {}), inputs };
    const { approveStage: run } = await ctx.api().request(ApproveStageDocument, { input });
    ctx.out(stageSummary(run, stage));
    return 0;
  },
};

export const rejectCommand: Command = {
  spec: {
    name: 'reject',
    summary: 'Reject an approval stage of a run: it fails with your comment, and the run with it.',
    usage: 'reject RUN --stage S [--comment TEXT]',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      stage: stageOptionSpec('the approval stage to reject (required)'),
      comment: { type: 'string', value: 'TEXT', description: 'why; the stage fails with it' },
    },
  },
  async run(ctx: CommandContext) {
    const [runId = ''] = ctx.args.positionals;
    const stage = stringOption(ctx.args, 'stage');
    if (stage === undefined) throw new UsageError('missing --stage: cyclone reject RUN --stage S', 'reject');
    const comment = stringOption(ctx.args, 'comment');
    const input = { runId, stage, ...(comment !== undefined ? { comment } : {}) };
    const { rejectStage: run } = await ctx.api().request(RejectStageDocument, { input });
    ctx.out(stageSummary(run, stage));
    return 0;
  },
};
