import type { Db } from '../../db/prisma.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { RunEvents } from './run-events.js';
import { type RunEvent, readStageRunViews, stageSignature } from './runs.loaders.js';
import { readerKey, type StreamAccessChecks } from './stream-access.js';

/** Nothing to poll for: run ids only come from notifications. The wait loops to recheck access. */
const MAX_WAIT_MS = 5_000;
/** Bounds the per-subscription memory of runs seen (cleared beyond it: costs one extra read). */
const REMEMBERED = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every run of the tenant when it is created and whenever its phase, pause or a stage's
 * phase or attempt changes (log batches alone are not sent). Never completes. Built on
 * the same notifications as workflowRunUpdated; runs of other tenants are read once
 * (to learn they are foreign) and then ignored.
 */
export async function* followTenantRuns(
  deps: { db: Db; events: RunEvents; access: StreamAccessChecks },
  user: AuthUser,
  tenant: string,
): AsyncGenerator<RunEvent> {
  const checkAccess = () => deps.db.$transaction((tx) => requireTenantRole(tx, user, tenant, 'VIEWER'));
  const tenantId = (await checkAccess()).tenant.id;
  const watch = await deps.events.watchAll();
  const access = deps.access.open(readerKey(user, `tenant\0${tenantId}`), checkAccess);
  const foreign = new Set<string>();
  const sent = new Map<string, string>();
  try {
    for (;;) {
      await access.assert();
      const ids = (await watch.next(MAX_WAIT_MS)).filter((id) => UUID.test(id) && !foreign.has(id));
      if (ids.length === 0) continue;
      const runs = await deps.db.workflowRun.findMany({
        where: { id: { in: ids }, workflow: { project: { tenantId } } },
        orderBy: { createdAt: 'asc' },
      });
      if (foreign.size > REMEMBERED) foreign.clear();
      const own = new Set(runs.map((r) => r.id));
      for (const id of ids) if (!own.has(id)) foreign.add(id);
      if (runs.length === 0) continue;
      const stages = await readStageRunViews(
        deps.db,
        runs.map((run) => run.id),
      );
      if (sent.size > REMEMBERED) sent.clear();
      for (const [i, run] of runs.entries()) {
        const stageViews = stages[i] ?? [];
        const signature = JSON.stringify([run.phase, run.pausedAt, run.stopRequestedAt, stageSignature(stageViews)]);
        if (sent.get(run.id) === signature) continue;
        sent.set(run.id, signature);
        yield { ...run, stageViews };
      }
    }
  } finally {
    access.close();
    watch.dispose();
  }
}
