import { booleanOption, stringOption } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { type LogLine, type RunSnapshot, StageLogsDocument, WorkflowRunDocument } from '../documents.js';
import { CliError } from '../errors.js';
import { followToEnd } from '../follow-command.js';
import { StagePrefixer } from '../output.js';

/** The API's page size for stored lines. */
const PAGE = 5000;

export const logsCommand: Command = {
  spec: {
    name: 'logs',
    summary: 'Print the log lines of a run (every stage, or one), optionally following it to the end.',
    usage: 'logs RUN [--stage S] [--follow]',
    isRemote: true,
    positionals: { min: 1, max: 1 },
    options: {
      stage: { type: 'string', short: 's', value: 'STAGE', description: 'only this stage' },
      follow: {
        type: 'boolean',
        short: 'F',
        description: 'keep printing until the run ends; exit 0 only if it succeeded',
      },
    },
    details: `RUN is a run id (cyclone get runs lists them). Lines of several stages are printed in
time order, each prefixed with its stage.`,
  },
  async run(ctx) {
    const [id = ''] = ctx.args.positionals;
    const run = await loadRun(ctx, id);
    const stage = stringOption(ctx.args, 'stage');
    if (stage && !run.stages.some((s) => s.name === stage)) {
      throw new CliError(
        `run #${run.number} has no stage "${stage}"; its stages: ${run.stages.map((s) => s.name).join(', ')}`,
      );
    }
    if (booleanOption(ctx.args, 'follow')) return followToEnd(ctx, run, stage);
    const stages = stage ? [stage] : run.stages.map((s) => s.name);
    const lines: LogLine[] = [];
    for (const name of stages) lines.push(...(await readStageLogs(ctx, run.id, name)));
    // Stable sort: lines of one stage keep their seq order, stages interleave by time.
    lines.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const prefixer = new StagePrefixer(stages, ctx.isColoured);
    ctx.out(lines.map((l) => `${prefixer.format(l.stage, l.line)}\n`).join(''));
    return 0;
  },
};

export async function loadRun(ctx: CommandContext, id: string): Promise<RunSnapshot> {
  const { workflowRun } = await ctx.api().request(WorkflowRunDocument, { id });
  if (!workflowRun) throw new CliError(`no run "${id}": cyclone get runs lists the runs`);
  return workflowRun;
}

async function readStageLogs(ctx: CommandContext, id: string, stage: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let afterSeq = 0;
  for (;;) {
    const { workflowRunLogs: page } = await ctx.api().request(StageLogsDocument, { id, stage, afterSeq });
    lines.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return lines;
    afterSeq = last.seq;
  }
}
