import { type LogLine, StoredLogsDocument } from '@cyclone/api-contract';
import { booleanOption, stringOption } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { type RunSnapshot, WorkflowRunDocument } from '../documents.js';
import { CliError, UsageError } from '../errors.js';
import { followToEnd } from '../follow-command.js';
import { StagePrefixer } from '../output.js';
import { searchLogs } from './logs-search.js';

/** The API's page size for stored lines. */
const PAGE = 5000;

export const logsCommand: Command = {
  spec: {
    name: 'logs',
    summary: 'Print the log lines of a run (every stage, or one), optionally following it; or search every log.',
    usage: 'logs RUN [--stage S] [--follow] | logs search QUERY [--since AGE] [--workflow W] [--limit N] [-o FORMAT]',
    isRemote: true,
    positionals: { min: 1, max: 2 },
    options: {
      stage: { type: 'string', short: 's', value: 'STAGE', description: 'only this stage' },
      follow: {
        type: 'boolean',
        short: 'F',
        description: 'keep printing until the run ends; exit 0 only if it succeeded',
      },
      since: {
        type: 'string',
        value: 'AGE',
        description: 'search: lines of the last 30m, 36h, 7d, 2w… or since a date',
      },
      workflow: { type: 'string', short: 'w', value: 'NAME', description: 'search: only runs of this workflow' },
      limit: {
        type: 'string',
        value: 'N',
        description: 'search: lines to show, newest first (default 20, at most 1000)',
      },
      output: { type: 'string', short: 'o', value: 'FORMAT', description: 'search: table (default), json or yaml' },
    },
    details: `RUN is a run id (cyclone get runs lists them). Lines of several stages are printed in
time order, each prefixed with its stage.

logs search looks through the stored logs of every run of the tenant you may read (only
the project given with --project when given): a line matches when it contains every word
and "quoted phrase" of QUERY, ignoring case. Newest first.
  cyclone logs search OOMKilled --since 7d
  cyclone logs search '"exit code 137" api' --workflow deploy -o json`,
  },
  async run(ctx) {
    const [id = '', query] = ctx.args.positionals;
    if (id === 'search') {
      if (query === undefined) throw new UsageError('missing the search: cyclone logs search QUERY', 'logs');
      for (const option of ['stage', 'follow']) {
        if (ctx.args.values[option] !== undefined) throw new UsageError(`--${option} goes with logs RUN`, 'logs');
      }
      return searchLogs(ctx, query);
    }
    if (query !== undefined) throw new UsageError(`unexpected argument "${query}"`, 'logs');
    for (const option of ['since', 'workflow', 'limit', 'output']) {
      if (ctx.args.values[option] !== undefined) throw new UsageError(`--${option} goes with logs search`, 'logs');
    }
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
    const { workflowRunLogs: page } = await ctx.api().request(StoredLogsDocument, { id, stage, afterSeq });
    lines.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return lines;
    afterSeq = last.seq;
  }
}
