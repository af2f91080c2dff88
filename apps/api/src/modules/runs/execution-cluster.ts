import { badInput } from '../../errors/app-error.js';
import type { Tx } from '../shared/mutation.js';

/**
 * A run's (or workflow's) execution cluster must be a KUBERNETES integration of the
 * same tenant: its name is what `executionCluster` holds (docs: k8s/README.md).
 */
export async function requireExecutionCluster(
  tx: Tx,
  tenantId: string,
  name: string,
  field = 'input.executionCluster',
): Promise<void> {
  const found = await tx.integration.count({ where: { tenantId, name, type: 'KUBERNETES' } });
  if (found === 0) throw badInput(field, `no KUBERNETES integration "${name}" in this tenant`);
}
