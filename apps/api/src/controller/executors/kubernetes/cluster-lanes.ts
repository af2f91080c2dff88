import { type KubeClients, kubeConfigFromString, makeClients } from '@cyclone/k8s';
import type { Db } from '../../../db/prisma.js';
import { tenantNamespace } from '../../../kube-sync/tenant-objects.js';
import type { SecretBox } from '../../../modules/integrations/secret-box.js';
import { outboundConnectGuard } from '../../../modules/outbound/outbound-policy.js';
import type { PodWatch } from './pod-watch.js';

/** A cluster stage pods run in, with the watch over its stage pods. */
export interface ClusterLane {
  /** The KUBERNETES integration of a worker cluster; undefined: the control cluster. */
  clusterId?: string;
  clients: KubeClients;
  watch: PodWatch;
}

/**
 * The control cluster and the worker clusters runs were bound to (a run's
 * `executionCluster` names a KUBERNETES integration of its tenant). A worker's
 * clients come from the integration's encrypted kubeconfig, made once per process
 * when a run first needs them (also after a restart, from a pod handle); its pod
 * watch starts then. A changed kubeconfig is used from the next controller start.
 */
export class ClusterLanes {
  private readonly workers = new Map<string, Promise<ClusterLane>>();

  constructor(
    private readonly deps: {
      db: Db;
      box: SecretBox;
      control: ClusterLane;
      /** The pod watch of a worker cluster (not started), over its tenant's namespace. */
      makeWatch: (clients: KubeClients, namespace: string) => PodWatch;
      /** Clients from a kubeconfig text (tests may swap it). */
      clientsOf?: (kubeconfig: string) => KubeClients;
    },
  ) {}

  get control(): ClusterLane {
    return this.deps.control;
  }

  /** The integration id of a tenant's worker cluster by name; throws when there is none. */
  async resolve(tenant: string, name: string): Promise<string> {
    const row = await this.deps.db.integration.findFirst({
      where: { name, type: 'KUBERNETES', tenant: { name: tenant } },
      select: { id: true },
    });
    if (!row) throw new Error(`execution cluster "${name}" is not a KUBERNETES integration of tenant "${tenant}"`);
    return row.id;
  }

  lane(clusterId: string | undefined): Promise<ClusterLane> {
    if (!clusterId) return Promise.resolve(this.deps.control);
    let lane = this.workers.get(clusterId);
    if (!lane) {
      lane = this.open(clusterId);
      this.workers.set(clusterId, lane);
      // A worker that could not be opened (e.g. an undecryptable secret) is tried again next time.
      lane.catch(() => this.workers.delete(clusterId));
    }
    return lane;
  }

  private async open(clusterId: string): Promise<ClusterLane> {
    const row = await this.deps.db.integration.findUnique({
      where: { id: clusterId },
      select: { name: true, type: true, secretCiphertext: true, tenant: { select: { name: true } } },
    });
    if (row?.type !== 'KUBERNETES') throw new Error(`execution cluster ${clusterId} no longer exists`);
    let kubeconfig: string | undefined;
    try {
      kubeconfig = (this.deps.box.openJson(row.secretCiphertext) as { kubeconfig?: string }).kubeconfig;
    } catch {
      throw new Error(`execution cluster "${row.name}": its secret cannot be decrypted with this server's key`);
    }
    if (!kubeconfig) throw new Error(`execution cluster "${row.name}": the integration has no kubeconfig`);
    const clients = (
      this.deps.clientsOf ?? ((text: string) => makeClients(kubeConfigFromString(text, outboundConnectGuard())))
    )(kubeconfig);
    const watch = this.deps.makeWatch(clients, tenantNamespace(row.tenant.name));
    await watch.start();
    return { clusterId, clients, watch };
  }

  async stop(): Promise<void> {
    const lanes = await Promise.allSettled([...this.workers.values()]);
    for (const lane of lanes) if (lane.status === 'fulfilled') await lane.value.watch.stop();
    await this.deps.control.watch.stop();
  }
}
