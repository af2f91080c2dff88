import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import type { StageRunView } from './runs.presenter.js';

/** Per-request loaders of the runs module. */
export function createRunLoaders(db: Db) {
  return {
    /** The stages of each run, in the order of its workflow version: three queries per batch. */
    stageRunsByRunId: new DataLoader(async (ids: readonly string[]) => {
      const [rows, runs] = await Promise.all([
        db.stageRun.findMany({ where: { runId: { in: [...ids] } } }),
        db.workflowRun.findMany({ where: { id: { in: [...ids] } }, select: { id: true, versionId: true } }),
      ]);
      const versions = await db.workflowVersion.findMany({
        where: { id: { in: [...new Set(runs.map((run) => run.versionId))] } },
        select: { id: true, spec: true },
      });
      const orderOf = new Map(
        versions.map((v) => [v.id, ((v.spec as { stages?: { name: string }[] }).stages ?? []).map((s) => s.name)]),
      );
      const versionOf = new Map(runs.map((run) => [run.id, run.versionId]));
      return ids.map((id) => {
        const order = orderOf.get(versionOf.get(id) ?? '') ?? [];
        const rank = (name: string) => order.indexOf(name) + 1 || order.length + 1;
        return rows
          .filter((row) => row.runId === id)
          .sort((a, b) => rank(a.stage) - rank(b.stage))
          .map(
            (row): StageRunView => ({
              name: row.stage,
              phase: row.phase,
              attempt: row.attempt,
              exitCode: row.exitCode,
              message: row.message,
              outputs: Array.isArray(row.outputs) ? (row.outputs as { key: string; value: string }[]) : [],
              startedAt: row.startedAt,
              finishedAt: row.finishedAt,
            }),
          );
      });
    }),
  };
}
