import { declaredStageName, type WorkflowStage } from '@cyclone/domain';
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

  /**
   * Stores lines keyed by (run, stage, seq), so a batch sent again adds nothing, while
   * the attempt's stored log stays within `maxBytes` (lines past it are dropped);
   * subscribers hear on commit. The attempt's row is locked meanwhile, so batches sent
   * at once are counted one after the other. Returns how many lines were dropped.
   */
  async storeLines(key: AttemptKey, lines: readonly IngestedLine[], maxBytes: number): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ bytes: bigint }[]>`
        SELECT log_bytes AS bytes FROM stage_runs
        WHERE run_id = ${key.runId}::uuid AND stage = ${key.stage} AND attempt = ${key.attempt}
        FOR UPDATE`;
      let room = maxBytes - Number(row?.bytes ?? 0n);
      const kept: IngestedLine[] = [];
      for (const line of [...lines].sort((a, b) => a.seq - b.seq)) {
        const size = Buffer.byteLength(line.text);
        if (size > room) break;
        room -= size;
        kept.push(line);
      }
      if (kept.length === 0) return lines.length;
      const seqs = kept.map((line) => String(line.seq));
      const stored = await tx.$queryRaw<{ bytes: bigint }[]>`
        WITH stored AS (
          INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
          SELECT ${key.runId}::uuid, (SELECT workflow_id FROM workflow_runs WHERE id = ${key.runId}::uuid),
            ${key.stage}, v.seq, v.stream::"LogStream", v.ts, v.text
          FROM unnest(${seqs}::bigint[], ${kept.map((l) => l.stream)}::text[],
            ${kept.map((l) => l.timestamp)}::timestamptz[], ${kept.map((l) => l.text)}::text[]) AS v(seq, stream, ts, text)
          ON CONFLICT DO NOTHING
          RETURNING octet_length(text) AS bytes
        )
        SELECT coalesce(sum(bytes), 0)::bigint AS bytes FROM stored`;
      // Only what was new counts: a batch sent again adds nothing.
      await tx.$executeRaw`
        UPDATE stage_runs SET log_bytes = log_bytes + ${stored[0]?.bytes ?? 0n}
        WHERE run_id = ${key.runId}::uuid AND stage = ${key.stage} AND attempt = ${key.attempt}`;
      await tx.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${key.runId})`;
      return lines.length - kept.length;
    });
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
    const name = declaredStageName(key.stage);
    return toWorkflowSpec(run.version.spec).stages.find((s) => s.name === name);
  }

  /** A stored artifact of the attempt's run (or of the run it retried), for an input artifact. */
  async findArtifact(key: AttemptKey, stage: string, name: string) {
    const run = await this.db.workflowRun.findUniqueOrThrow({ where: { id: key.runId }, select: { id: true } });
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
