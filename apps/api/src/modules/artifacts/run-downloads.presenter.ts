import type { Readable } from 'node:stream';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireRun } from '../runs/run-access.js';
import { toWorkflowSpec } from '../workflows/workflows.repository.js';
import type { ArtifactStore } from './artifact-store.js';
import { findRunArtifact } from './artifacts.repository.js';

const LOG_PAGE = 2000;

export interface ArtifactDownload {
  fileName: string;
  size: bigint;
  sha256: string;
  isDirectory: boolean;
  body: Readable;
}

/**
 * Downloads of a run's artifacts and logs for members of its tenant (VIEWER and
 * up); anyone else gets NOT_FOUND, as for every other read of a run.
 */
export class RunDownloads {
  constructor(private readonly deps: { db: Db; store: ArtifactStore }) {}

  async artifact(user: AuthUser, runId: string, stage: string, name: string): Promise<ArtifactDownload> {
    const run = await this.deps.db.$transaction(async (tx) => (await requireRun(tx, user, runId, 'VIEWER')).run);
    const row = await findRunArtifact(this.deps.db, run, stage, name);
    if (!row) throw notFound(`artifact "${name}" of stage "${stage}"`);
    return {
      fileName: row.isDirectory ? `${name}.tar` : name,
      size: row.size,
      sha256: row.sha256,
      isDirectory: row.isDirectory,
      body: await this.deps.store.open(row.storageKey),
    };
  }

  /**
   * A run's log as text: one stage, or every stage in workflow order with each line
   * prefixed `[stage] `; lines in seq order, read page by page so a long log is
   * streamed, not held in memory.
   */
  async *logText(user: AuthUser, runId: string, stage?: string): AsyncGenerator<string> {
    const run = await this.deps.db.$transaction(async (tx) => {
      const found = (await requireRun(tx, user, runId, 'VIEWER')).run;
      return tx.workflowRun.findUniqueOrThrow({
        where: { id: found.id },
        include: { version: { select: { spec: true } } },
      });
    });
    const stages = toWorkflowSpec(run.version.spec).stages.map((s) => s.name);
    if (stage !== undefined && !stages.includes(stage)) throw notFound(`stage "${stage}" of run ${runId}`);
    for (const name of stage === undefined ? stages : [stage]) {
      const prefix = stage === undefined ? `[${name}] ` : '';
      let afterSeq = 0n;
      for (;;) {
        const rows = await this.deps.db.logLine.findMany({
          where: { runId: run.id, stage: name, seq: { gt: afterSeq } },
          orderBy: { seq: 'asc' },
          take: LOG_PAGE,
          select: { seq: true, text: true },
        });
        if (rows.length === 0) break;
        yield rows.map((row) => `${prefix}${row.text}\n`).join('');
        afterSeq = rows[rows.length - 1]?.seq ?? afterSeq;
        if (rows.length < LOG_PAGE) break;
      }
    }
  }
}
