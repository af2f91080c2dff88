import { conflict } from '../../errors/app-error.js';
import type { Tx } from '../shared/mutation.js';

/** Phases of a run that has not finished: deleting what it runs would pull the rug. */
export const ACTIVE_RUN_PHASES = ['PENDING', 'RUNNING', 'WAITING'] as const;

const NAMED = 5;

/**
 * Refuses (CONFLICT) to delete a project or a tenant while a run of one of its
 * workflows is active, naming the runs. It first locks the workflows' rows: a run
 * being created meanwhile (which key-share-locks its workflow) is either seen here
 * or waits until the delete has committed and then fails on the missing workflow.
 */
export async function assertNoActiveRuns(
  tx: Tx,
  scope: { projectId: string } | { tenantId: string },
  what: string,
): Promise<void> {
  if ('projectId' in scope) {
    await tx.$queryRaw`SELECT 1 FROM workflows WHERE project_id = ${scope.projectId}::uuid FOR UPDATE`;
  } else {
    await tx.$queryRaw`SELECT 1 FROM workflows w JOIN projects p ON p.id = w.project_id
      WHERE p.tenant_id = ${scope.tenantId}::uuid FOR UPDATE OF w`;
  }
  const where = {
    phase: { in: [...ACTIVE_RUN_PHASES] },
    workflow: 'projectId' in scope ? { projectId: scope.projectId } : { project: { tenantId: scope.tenantId } },
  };
  const total = await tx.workflowRun.count({ where });
  if (total === 0) return;
  const runs = await tx.workflowRun.findMany({
    where,
    orderBy: { createdAt: 'asc' },
    take: NAMED,
    select: { number: true, phase: true, workflow: { select: { name: true, project: { select: { name: true } } } } },
  });
  const named = runs.map((run) => `${run.workflow.project.name}/${run.workflow.name} #${run.number} (${run.phase})`);
  const more = total > NAMED ? ` and ${total - NAMED} more` : '';
  throw conflict(
    `${what} has ${total} active run${total === 1 ? '' : 's'}: ${named.join(', ')}${more}; stop them or wait until they finish, then delete again`,
  );
}
