import type { KubeClients } from '@cyclone/k8s';
import { apiMessageOf, apiStatusOf } from '@cyclone/k8s';
import type { Logger } from '../logging/logger.js';

export interface LeaderElectionOptions {
  clients: Pick<KubeClients, 'customObjects'>;
  namespace: string;
  /** Name of the coordination.k8s.io Lease. */
  name: string;
  /** This process; the Lease's holderIdentity while it leads. */
  identity: string;
  logger: Logger;
  /** A holder that has not renewed for this long is replaced. */
  leaseDurationMs?: number;
  /** The leader gives up leading when it could not renew for this long (< leaseDurationMs). */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew. */
  retryPeriodMs?: number;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
}

interface LeaseBody {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const LEASE = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: the
 * holder renews the Lease every retry period; another candidate takes it over
 * when the record has not changed for a lease duration, measured on its own
 * clock (so clock skew between nodes does not matter). Every write carries the
 * resourceVersion read, so two candidates never both win.
 */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private isLeading = false;
  private lastRenewAt = 0;
  /** The last record seen and when (local clock) it was first seen. */
  private observed: { key: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private isStopped = false;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.isLeading;
  }

  start(): void {
    this.isStopped = false;
    const loop = async () => {
      if (this.isStopped) return;
      this.running = this.tick();
      await this.running;
      if (!this.isStopped) this.timer = setTimeout(loop, this.retryPeriodMs);
    };
    void loop();
  }

  /** Stops campaigning; a leader releases the Lease so another takes over at once. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.isStopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.isLeading && options.release !== false) await this.release();
    this.setLeading(false);
  }

  /** One attempt to acquire or renew; exported through tick for tests' determinism. */
  async tick(): Promise<void> {
    try {
      const isHolder = await this.tryAcquireOrRenew();
      if (isHolder) this.lastRenewAt = Date.now();
      this.setLeading(isHolder || (this.isLeading && Date.now() - this.lastRenewAt < this.renewDeadlineMs));
    } catch (err) {
      this.options.logger.warn({ lease: this.options.name, err: apiMessageOf(err) }, 'leader election attempt failed');
      if (this.isLeading && Date.now() - this.lastRenewAt >= this.renewDeadlineMs) this.setLeading(false);
    }
  }

  private setLeading(isLeading: boolean): void {
    if (isLeading === this.isLeading) return;
    this.isLeading = isLeading;
    this.options.logger.info(
      { lease: this.options.name, identity: this.options.identity, isLeading },
      'leadership changed',
    );
    if (isLeading) this.options.onStartedLeading?.();
    else this.options.onStoppedLeading?.();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { customObjects } = this.options.clients;
    const { namespace, name, identity } = this.options;
    const now = new Date();
    const lease = await this.read();
    if (!lease) {
      try {
        await customObjects.createNamespacedCustomObject({
          ...LEASE,
          namespace,
          body: this.body(
            undefined,
            { holderIdentity: identity, acquireTime: microTime(now), leaseTransitions: 0 },
            now,
          ),
        });
        return true;
      } catch (err) {
        if (apiStatusOf(err) === 409) return false;
        throw err;
      }
    }
    const key = `${lease.spec.holderIdentity ?? ''}@${lease.spec.renewTime ?? ''}`;
    if (this.observed?.key !== key) this.observed = { key, at: Date.now() };
    const holder = lease.spec.holderIdentity ?? '';
    const durationMs = (lease.spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
    const isExpired = Date.now() - this.observed.at >= durationMs;
    if (holder !== '' && holder !== identity && !isExpired) return false;
    const isNewHolder = holder !== identity;
    try {
      const updated = (await customObjects.replaceNamespacedCustomObject({
        ...LEASE,
        namespace,
        name,
        body: this.body(
          lease.metadata.resourceVersion,
          {
            holderIdentity: identity,
            acquireTime: isNewHolder ? microTime(now) : lease.spec.acquireTime,
            leaseTransitions: (lease.spec.leaseTransitions ?? 0) + (isNewHolder ? 1 : 0),
          },
          now,
        ),
      })) as LeaseBody;
      this.observed = { key: `${identity}@${updated.spec.renewTime ?? ''}`, at: Date.now() };
      return true;
    } catch (err) {
      if (apiStatusOf(err) === 409) return false;
      throw err;
    }
  }

  private async read(): Promise<LeaseBody | undefined> {
    try {
      return (await this.options.clients.customObjects.getNamespacedCustomObject({
        ...LEASE,
        namespace: this.options.namespace,
        name: this.options.name,
      })) as LeaseBody;
    } catch (err) {
      if (apiStatusOf(err) === 404) return undefined;
      throw err;
    }
  }

  private body(resourceVersion: string | undefined, spec: LeaseBody['spec'], now: Date): LeaseBody {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.options.name,
        namespace: this.options.namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: {
        ...spec,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        renewTime: microTime(now),
      },
    };
  }

  /** Gives the Lease up (empty holder), keeping the record, so a candidate takes it on its next try. */
  private async release(): Promise<void> {
    try {
      const lease = await this.read();
      if (!lease || lease.spec.holderIdentity !== this.options.identity) return;
      await this.options.clients.customObjects.replaceNamespacedCustomObject({
        ...LEASE,
        namespace: this.options.namespace,
        name: this.options.name,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
      });
    } catch (err) {
      this.options.logger.warn({ lease: this.options.name, err: apiMessageOf(err) }, 'cannot release the lease');
    }
  }
}
