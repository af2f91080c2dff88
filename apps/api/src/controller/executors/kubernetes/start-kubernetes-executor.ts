import type { OutputLimits } from '@cyclone/domain/core';
import { inClusterKubeConfig, loadKubeConfig, makeClients } from '@cyclone/k8s';
import type { KubernetesConfig } from '../../../config/config.js';
import type { PlainSql } from '../../../db/plain-sql.js';
import type { Db } from '../../../db/prisma.js';
import type { Logger } from '../../../logging/logger.js';
import type { SecretBox } from '../../../modules/integrations/secret-box.js';
import type { StageExit } from '../executor.js';
import { KubernetesExecutor } from './kubernetes-executor.js';

/**
 * The executor of a controller process with a cluster configured: stage pods in the
 * control cluster, per CYCLONE_STAGE_* and CYCLONE_POD_GC_DELAY. Its pod watch starts
 * in the background; until it runs, each pass's GET of a running pod sees exits.
 */
export function startKubernetesExecutor(deps: {
  config: KubernetesConfig;
  outputLimits: OutputLimits;
  db: Db;
  sql: PlainSql;
  logger: Logger;
  box: SecretBox;
  onExit: (exit: StageExit) => Promise<void>;
}): KubernetesExecutor {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'kubernetes-executor' });
  const kc = config.kubeconfigPath ? loadKubeConfig({ kubeconfigPath: config.kubeconfigPath }) : inClusterKubeConfig();
  const executor = new KubernetesExecutor({
    db: deps.db,
    sql: deps.sql,
    logger,
    clients: makeClients(kc),
    box: deps.box,
    onExit: deps.onExit,
    instance: config.instance,
    apiUrl: config.stagePods.apiUrl,
    helperImage: config.stagePods.helperImage,
    outputLimits: deps.outputLimits,
    podGcDelayMs: config.stagePods.gcDelayMs,
    podDefaults: config.stagePods.podDefaults,
    workspaceSize: config.stagePods.workspaceSize,
  });
  executor.startWatching().catch((err: unknown) => logger.error({ err }, 'the stage pod watch did not start'));
  return executor;
}
