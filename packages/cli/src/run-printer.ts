import type { LogLine, RunSnapshot } from './follow.js';
import { paint, paintPhase, runDuration, StagePrefixer } from './output.js';

/**
 * Prints a followed run: each log line prefixed with its stage (a stable colour
 * per stage on a terminal), and a `==>` line whenever the run or a stage changes
 * phase. Lines go to stdout in the order they arrive.
 */
export class RunPrinter {
  private readonly prefixer: StagePrefixer;
  private readonly stagePhases = new Map<string, string>();
  private runPhase: string | undefined;
  private wasPaused = false;
  private wasStopping = false;

  constructor(
    private readonly write: (text: string) => void,
    stages: readonly string[],
    private readonly isColoured: boolean,
    /** Only this stage's phase changes (logs --stage). */
    private readonly onlyStage?: string,
  ) {
    this.prefixer = new StagePrefixer(stages, isColoured);
  }

  line(line: LogLine): void {
    this.write(`${this.prefixer.format(line.stage, line.line)}\n`);
  }

  run(run: RunSnapshot): void {
    for (const stage of run.stages) {
      if (this.onlyStage && stage.name !== this.onlyStage) continue;
      const before = this.stagePhases.get(stage.name);
      if (before === stage.phase) continue;
      this.stagePhases.set(stage.name, stage.phase);
      if (before === undefined && stage.phase === 'PENDING') continue;
      const details = [
        // A matrix combination: its values.
        stage.matrix.map(({ name, value }) => `${name}=${value}`).join(', '),
        stage.attempt > 1 ? `attempt ${stage.attempt}` : '',
        stage.finishedAt ? `in ${runDuration(stage.startedAt, stage.finishedAt)}` : '',
        stage.exitCode !== null && stage.phase !== 'RUNNING' ? `exit ${stage.exitCode}` : '',
        // Why it failed, or why it was skipped (its condition, its upstream stages).
        (stage.phase === 'FAILED' || stage.phase === 'SKIPPED') && stage.message ? stage.message : '',
        // An approval stage: what it waits for, and how to decide it from here.
        stage.phase === 'WAITING' ? `${stage.message}: cyclone approve|reject ${run.id} --stage ${stage.name}` : '',
      ].filter(Boolean);
      this.status(`stage ${stage.name} ${paintPhase(stage.phase, this.isColoured)}`, details);
    }
    if (run.phase !== this.runPhase || run.isPaused !== this.wasPaused || run.isStopping !== this.wasStopping) {
      const isFirst = this.runPhase === undefined;
      this.runPhase = run.phase;
      this.wasPaused = run.isPaused;
      this.wasStopping = run.isStopping;
      const details = [
        run.isPaused && !run.isStopping ? 'paused' : '',
        run.isStopping ? 'stopping: finally stages run' : '',
        run.finishedAt ? `in ${runDuration(run.startedAt, run.finishedAt)}` : '',
        run.message && !isFirst ? run.message : '',
      ].filter(Boolean);
      this.status(`run #${run.number} of ${run.workflow.name} ${paintPhase(run.phase, this.isColoured)}`, details);
    }
  }

  private status(text: string, details: string[]): void {
    this.write(`${paint('==>', 1, this.isColoured)} ${text}${details.length > 0 ? ` (${details.join(', ')})` : ''}\n`);
  }
}
