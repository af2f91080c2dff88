import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import type { RunTrigger } from '../../generated/prisma/enums.js';
import { byKey } from '../shared/loader-keys.js';

export interface RunTriggerView {
  trigger: RunTrigger;
  /** The trigger's name; null for manual runs and triggers deleted since. */
  triggerName: string | null;
}

export function createRunTriggerLoaders(db: Db) {
  return {
    runTriggerByRunId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowRun.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, trigger: true, workflowTrigger: { select: { name: true } } },
      });
      return byKey(ids, rows, (row) => row.id).map((row) =>
        row ? { trigger: row.trigger, triggerName: row.workflowTrigger?.name ?? null } : undefined,
      ) as (RunTriggerView | undefined)[];
    }),
  };
}
