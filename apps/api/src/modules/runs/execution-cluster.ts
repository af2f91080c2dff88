import type { SqlTx } from '../../db/sql-tx.js';
import { badInput } from '../../errors/app-error.js';

/**
 * A run's (or workflow's) execution cluster must be a KUBERNETES integration of the
 * same tenant: its name is what `executionCluster` holds (docs: k8s/README.md).
 */
export async function requireExecutionCluster(
  tx: SqlTx,
  tenantId: string,
  name: string,
  field = 'input.executionCluster',
): Promise<void> {
  const [found] = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM integrations WHERE tenant_id = ${tenantId}::uuid AND name = ${name} AND type = 'KUBERNETES'`;
  if (!found) throw badInput(field, `no KUBERNETES integration "${name}" in this tenant`);
}
