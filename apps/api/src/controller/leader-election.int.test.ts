// Leader election on a real coordination.k8s.io Lease: one leader among
// candidates, takeover when the holder stops renewing, immediate handover on release.
import { randomBytes } from 'node:crypto';
import { loadKubeConfig, makeClients } from '@cyclone/k8s';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../testing/wait.js';
import { LeaderElector } from './leader-election.js';

const clients = makeClients(loadKubeConfig({ kubeconfigPath: inject('kubeconfigPath') }));
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('LeaderElector', () => {
  const electors: LeaderElector[] = [];
  const lease = () => `cyclone-controller-${randomBytes(3).toString('hex')}`;
  const candidate = (name: string, identity: string, events: string[] = [], leaseDurationMs = 2_000) => {
    const elector = new LeaderElector({
      clients,
      namespace: 'default',
      name,
      identity,
      logger,
      leaseDurationMs,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 200,
      onStartedLeading: () => events.push(`${identity} started`),
      onStoppedLeading: () => events.push(`${identity} stopped`),
    });
    electors.push(elector);
    return elector;
  };

  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
  });

  it('elects exactly one leader and records it in the Lease', async () => {
    const name = lease();
    const [a, b, c] = [candidate(name, 'a'), candidate(name, 'b'), candidate(name, 'c')];
    for (const e of [a, b, c]) e.start();
    await waitFor(() => [a, b, c].some((e) => e.isLeader()), { what: 'a leader' });
    // Stays one over several renewals.
    for (let i = 0; i < 10; i++) {
      expect([a, b, c].filter((e) => e.isLeader())).toHaveLength(1);
      await sleep(150);
    }
    const leader = [a, b, c].findIndex((e) => e.isLeader());
    const stored = (await clients.customObjects.getNamespacedCustomObject({
      group: 'coordination.k8s.io',
      version: 'v1',
      namespace: 'default',
      plural: 'leases',
      name,
    })) as { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
    expect(stored.spec.holderIdentity).toBe(['a', 'b', 'c'][leader]);
    expect(stored.spec.leaseDurationSeconds).toBe(2);
    expect(stored.spec.renewTime).toMatch(/\.\d{6}Z$/);
  });

  it('lets another candidate take over when the leader stops renewing', async () => {
    const name = lease();
    const events: string[] = [];
    const a = candidate(name, 'a', events);
    a.start();
    await waitFor(() => a.isLeader(), { what: 'a to lead' });
    const b = candidate(name, 'b', events);
    b.start();
    await sleep(600);
    expect(b.isLeader()).toBe(false);

    // The holder dies without releasing: b waits out the lease duration.
    await a.stop({ release: false });
    const stoppedAt = Date.now();
    await waitFor(() => b.isLeader(), { what: 'b to lead' });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_000);
    expect(events).toEqual(['a started', 'a stopped', 'b started']);
  });

  it('hands over at once when the leader releases the Lease', async () => {
    // A lease far longer than the wait below: b can only lead in time if a released it.
    const name = lease();
    const a = candidate(name, 'a', [], 120_000);
    const b = candidate(name, 'b', [], 120_000);
    a.start();
    await waitFor(() => a.isLeader(), { what: 'a to lead' });
    b.start();
    await a.stop();
    await waitFor(() => b.isLeader(), { what: 'b to lead', timeoutMs: 20_000 });
    expect(a.isLeader()).toBe(false);
  });
});
