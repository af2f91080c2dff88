import { inClusterKubeConfig, loadKubeConfig, makeClients } from '@cyclone/k8s';
import type { KubernetesConfig } from '../config/config.js';
import { type Controller, startController } from '../controller/controller.js';
import { LeaderElector } from '../controller/leader-election.js';
import { CHANNELS, type NotificationHub } from '../db/notification-hub.js';
import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { ManifestsService } from '../modules/manifests/manifests.service.js';
import { GitopsIntake } from './intake/gitops-intake.js';
import type { IntakeDeleters } from './intake/intake-deletes.js';
import { KubeReconciler } from './kube-reconciler.js';

/** Name of the Lease the controller replicas elect their leader on (in CYCLONE_NAMESPACE). */
export const CONTROLLER_LEASE = 'cyclone-controller';

/** How long a wake-up from the mirror channel waits, so the changes of a burst make one pass. */
const MIRROR_WAKE_DELAY_MS = 200;

export interface KubernetesSync {
  reconciler: KubeReconciler;
  elector: LeaderElector;
  stop(): Promise<void>;
}

/**
 * The Kubernetes side of a controller process: a leader election on a Lease and
 * the reconciler that mirrors the database into the cluster, which runs only on
 * the leader (every replica keeps campaigning, so a standby takes over within a
 * lease duration when the leader dies). A change of what it mirrors, announced on
 * the hub's mirror channel by any process, wakes it; the resync catches the rest.
 */
export function startKubernetesSync(deps: {
  config: KubernetesConfig;
  db: Db;
  logger: Logger;
  box: SecretBox;
  /** Apply and delete what the GitOps intake takes from Kubernetes. */
  manifests: ManifestsService;
  deleters: IntakeDeleters;
  hub: NotificationHub;
}): KubernetesSync {
  const { config, db, box } = deps;
  const logger = deps.logger.child({ component: 'kubernetes' });
  const kc = config.kubeconfigPath ? loadKubeConfig({ kubeconfigPath: config.kubeconfigPath }) : inClusterKubeConfig();
  const clients = makeClients(kc);
  const elector = new LeaderElector({
    clients,
    namespace: config.namespace,
    name: config.instance === 'cyclone' ? CONTROLLER_LEASE : `${CONTROLLER_LEASE}-${config.instance}`,
    identity: config.identity,
    logger,
    onStartedLeading: () => reconciler.wake(),
  });
  const reconciler: KubeReconciler = new KubeReconciler({
    db,
    logger,
    clients,
    box,
    config: { ...config, egressDeny: config.stagePods.egressDeny },
    isLeader: () => elector.isLeader(),
    intake: new GitopsIntake({
      db,
      logger,
      clients,
      instance: config.instance,
      manifests: deps.manifests,
      deleters: deps.deleters,
      gitopsUser: config.gitopsUser,
    }),
  });
  let pendingWake: NodeJS.Timeout | undefined;
  const wakeSoon = () => {
    pendingWake ??= setTimeout(() => {
      pendingWake = undefined;
      reconciler.wake();
    }, MIRROR_WAKE_DELAY_MS);
  };
  const unsubscribe = [
    deps.hub.on(CHANNELS.mirror, wakeSoon),
    // Whatever was announced while not listening is found by a pass now.
    deps.hub.onListening(wakeSoon),
  ];
  let controller: Controller | undefined;
  elector.start();
  controller = startController([reconciler], { intervalMs: config.resyncIntervalMs, logger });
  return {
    reconciler,
    elector,
    stop: async () => {
      for (const stop of unsubscribe) stop();
      clearTimeout(pendingWake);
      await controller?.stop();
      controller = undefined;
      await elector.stop();
    },
  };
}
