import { booleanOption, pairsOption, pairsOptionSpec, stringOption } from '../args.js';
import type { Command } from '../context.js';
import { RunWorkflowDocument } from '../documents.js';
import { UsageError } from '../errors.js';
import { followToEnd } from '../follow-command.js';

export const runCommand: Command = {
  spec: {
    name: 'run',
    summary: "Start a run of a workflow's current version, and optionally follow it to the end.",
    usage: 'run WORKFLOW [--param KEY=VALUE]... [--timeout 30m] [--follow]',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      param: pairsOptionSpec('p', 'KEY=VALUE', 'a run parameter'),
      timeout: { type: 'string', value: 'DURATION', description: 'limit of the whole run, e.g. 90s, 30m, 1h30m' },
      follow: {
        type: 'boolean',
        short: 'F',
        description: 'stream the logs and phase changes; exit 0 only if the run succeeds',
      },
    },
    details: `With --follow, each log line is prefixed with its stage; the exit code is 0 when
the run SUCCEEDED and 1 when it FAILED or was CANCELLED. Ctrl-C stops following, not the run.

Examples:
  cyclone run shop-ci --param SCM_REVISION=v1.2.0 --follow`,
  },
  async run(ctx) {
    const [workflow = ''] = ctx.args.positionals;
    const parameters = pairsOption(ctx.args, 'param');
    const timeout = stringOption(ctx.args, 'timeout');
    if (timeout !== undefined) {
      const { durationTextToMs } = await import('@cyclone/domain');
      try {
        durationTextToMs(timeout);
      } catch {
        throw new UsageError(`--timeout "${timeout}" is not a duration like 90s, 30m or 1h30m`, 'run');
      }
    }
    const { tenant, project } = ctx.scope();
    const { runWorkflow: run } = await ctx.api().request(RunWorkflowDocument, {
      input: {
        tenant,
        project,
        workflow,
        ...(parameters.length ? { parameters } : {}),
        ...(timeout ? { timeout } : {}),
      },
    });
    ctx.out(`run #${run.number} of ${run.workflow.name} started: ${run.id}\n`);
    if (!booleanOption(ctx.args, 'follow')) return 0;
    return followToEnd(ctx, run);
  },
};
