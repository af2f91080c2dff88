import type { WorkflowStage } from '@cyclone/domain';
import { CHANNELS } from '../../db/notification-hub.js';
import type { Db } from '../../db/prisma.js';
import type { StoredArtifact } from '../artifacts/artifact-store.js';
import { findRunArtifact, recordArtifact } from '../artifacts/artifacts.repository.js';
import { toWorkflowSpec } from '../workflows/workflows.repository.js';

/** One attempt of one stage of a run (what a stage token names). */
export interface AttemptKey {
  runId: string;
  stage: string;
  attempt: number;
}

export interface IngestedLine {
  seq: number;
  stream: 'STDOUT' | 'STDERR';
  timestamp: string;
  text: string;
}

/**
 * The reads and writes behind the routes stage pods report to (http/stage-ingest.ts,
 * http/stage-artifacts.ts): logs, outputs and artifacts of one attempt.
 */
export class StageIngestRepository {
  constructor(private readonly db: Db) {}

  /** True while the attempt is RUNNING (a pod's words count only then). */
  async isRunning(key: AttemptKey): Promise<boolean> {
    const running = await this.db.stageRun.count({
      where: { runId: key.runId, stage: key.stage, attempt: key.attempt, phase: 'RUNNING' },
    });
    return running > 0;
  }

  /** Stores lines keyed by (run, stage, seq), so a batch sent again adds nothing; subscribers hear on commit. */
  async storeLines(key: AttemptKey, lines: readonly IngestedLine[]): Promise<void> {
    const data = lines.map((line) => ({
      runId: key.runId,
      stage: key.stage,
      seq: BigInt(line.seq),
      stream: line.stream,
      timestamp: new Date(line.timestamp),
      text: line.text,
    }));
    await this.db.$transaction([
      this.db.logLine.createMany({ data, skipDuplicates: true }),
      this.db.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${key.runId})`,
    ]);
  }

  /** The attempt's outputs, kept only while it is still RUNNING. */
  async storeOutputs(key: AttemptKey, outputs: { key: string; value: string }[]): Promise<void> {
    await this.db.stageRun.updateMany({
      where: { runId: key.runId, stage: key.stage, attempt: key.attempt, phase: 'RUNNING' },
      data: { outputs },
    });
  }

  /** The attempt's stage in its run's (immutable) workflow version. */
  async stageOf(key: AttemptKey): Promise<WorkflowStage | undefined> {
    const run = await this.db.workflowRun.findUniqueOrThrow({
      where: { id: key.runId },
      select: { version: { select: { spec: true } } },
    });
    return toWorkflowSpec(run.version.spec).stages.find((s) => s.name === key.stage);
  }

  /** A stored artifact of the attempt's run (or of the run it retried), for an input artifact. */
  async findArtifact(key: AttemptKey, stage: string, name: string) {
    const run = await this.db.workflowRun.findUniqueOrThrow({
      where: { id: key.runId },
      select: { id: true, retryOfId: true },
    });
    return findRunArtifact(this.db, run, stage, name);
  }

  recordArtifact(
    key: AttemptKey,
    artifact: { name: string; isDirectory: boolean; storageKey: string },
    stored: StoredArtifact,
  ): Promise<void> {
    return recordArtifact(this.db, { ...key, ...artifact }, stored);
  }
}
