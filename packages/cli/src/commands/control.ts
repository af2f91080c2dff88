import { booleanOption, stringOption } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import {
  PauseRunDocument,
  ResumeRunDocument,
  RetryRunDocument,
  type RunSnapshot,
  StopRunDocument,
} from '../documents.js';
import { followToEnd } from '../follow-command.js';

function controlCommand(
  name: 'stop' | 'pause' | 'resume',
  send: (ctx: CommandContext, id: string) => Promise<RunSnapshot>,
  summary: string,
): Command {
  return {
    spec: { name, summary, usage: `${name} RUN`, isRemote: true, positionals: { min: 1, max: 1 }, options: {} },
    async run(ctx) {
      const [id = ''] = ctx.args.positionals;
      const run = await send(ctx, id);
      const state = run.isStopping
        ? ' (stopping: finally stages run; stop again to kill them)'
        : run.isPaused
          ? ' (paused)'
          : '';
      ctx.out(`run #${run.number} of ${run.workflow.name}: ${run.phase}${state}\n`);
      return 0;
    },
  };
}

export const stopCommand = controlCommand(
  'stop',
  async (ctx, id) => (await ctx.api().request(StopRunDocument, { id })).stopWorkflowRun,
  'Kill the running stages of a run and cancel it once its finally stages have run; stop it again to kill those too.',
);
export const pauseCommand = controlCommand(
  'pause',
  async (ctx, id) => (await ctx.api().request(PauseRunDocument, { id })).pauseWorkflowRun,
  'Start no new stage of a run until resumed.',
);
export const resumeCommand = controlCommand(
  'resume',
  async (ctx, id) => (await ctx.api().request(ResumeRunDocument, { id })).resumeWorkflowRun,
  'Continue a paused run.',
);

export const retryCommand: Command = {
  spec: {
    name: 'retry',
    summary: 'Start a new run from an ended one, reusing the stages before --from-stage (or all that succeeded).',
    usage: 'retry RUN [--from-stage S] [--follow]',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      'from-stage': { type: 'string', value: 'STAGE', description: 're-execute this stage and everything after it' },
      follow: { type: 'boolean', short: 'F', description: 'follow the new run; exit 0 only if it succeeds' },
    },
  },
  async run(ctx) {
    const [id = ''] = ctx.args.positionals;
    const fromStage = stringOption(ctx.args, 'from-stage') ?? null;
    const { retryWorkflowRun: run } = await ctx.api().request(RetryRunDocument, { id, fromStage });
    ctx.out(`run #${run.number} of ${run.workflow.name} started: ${run.id}\n`);
    if (!booleanOption(ctx.args, 'follow')) return 0;
    return followToEnd(ctx, run);
  },
};
