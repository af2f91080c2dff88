import type { CommandContext } from './context.js';
import { followRun, type RunSnapshot } from './follow.js';
import { RunPrinter } from './run-printer.js';

/**
 * `run --follow`, `retry --follow` and `logs --follow`: prints the run until it
 * ends; the exit code is 0 only when it SUCCEEDED.
 */
export async function followToEnd(ctx: CommandContext, run: RunSnapshot, stage?: string): Promise<number> {
  const api = ctx.api();
  // Loaded only when following: graphql-ws and ws add to every command's start-up otherwise.
  const { websocketSessions } = await import('./subscriptions.js');
  const printer = new RunPrinter(
    (text) => ctx.out(text),
    stage ? [stage] : run.stages.map((s) => s.name),
    ctx.isColoured,
    stage,
  );
  const onInterrupt = () => {
    ctx.err(`\nstopped following; the run goes on: cyclone stop ${run.id} stops it\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const final = await followRun({
      runId: run.id,
      server: api.server,
      openSession: websocketSessions(api.server, api.token),
      stage,
      stages: run.stages.map((s) => s.name),
      onLine: (line) => printer.line(line),
      onRun: (snapshot) => printer.run(snapshot),
      onReconnect: (attempt) => ctx.err(`connection to ${api.server} lost; reconnecting (attempt ${attempt})\n`),
    });
    const phase = final?.phase ?? 'UNKNOWN';
    if (phase === 'SUCCEEDED') return 0;
    ctx.err(`run #${run.number} of ${run.workflow.name} ${phase}${final?.message ? `: ${final.message}` : ''}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
