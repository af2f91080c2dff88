import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../../logging/logger.js';
import type { Tx } from '../shared/mutation.js';

/** One channel for every run: the payload is the run id (small; readers fetch rows). */
export const RUN_CHANNEL = 'cyclone_run';

/** Tells every API process that a run, its stages or its logs changed; sent on commit. */
export async function notifyRunChanged(tx: Pick<Tx, '$executeRaw'>, runId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${RUN_CHANNEL}, ${runId})`;
}

/**
 * Controllers LISTEN here: a run was created or a stop, pause or resume was asked for.
 * Separate from RUN_CHANNEL, which also carries every log batch.
 */
export const CONTROLLER_CHANNEL = 'cyclone_controller';

/** Wakes the controllers of every process (on commit) to act on the run at once. */
export async function notifyControllers(tx: Pick<Tx, '$executeRaw'>, runId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CONTROLLER_CHANNEL}, ${runId})`;
}

/** Emitter event with every run id announced on either channel (a symbol: never a run id). */
const ANY_RUN = Symbol('any run');

/**
 * Fan-out of run changes to subscribers of this process, fed by Postgres
 * LISTEN/NOTIFY so that a change made by any API or controller process reaches
 * every subscriber. One connection per process, opened on the first subscriber.
 */
export class RunEvents {
  private readonly emitter = new EventEmitter();
  /** Counts notifications received: a read started at generation g saw every change announced before. */
  private notified = 0;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly deps: { databaseUrl: () => string | undefined; logger: Logger }) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * Returns a function that resolves on the next change of the run (or after
   * `maxWaitMs`, a safety net for a lost connection), and a disposer. Arm the
   * waiter before reading, so no change between the read and the wait is missed.
   */
  async watch(runId: string): Promise<{ next: (maxWaitMs: number) => Promise<void>; dispose: () => void }> {
    await this.connect();
    let isDirty = false;
    let wake: (() => void) | undefined;
    const listener = () => {
      isDirty = true;
      wake?.();
    };
    this.emitter.on(runId, listener);
    return {
      next: (maxWaitMs) =>
        new Promise<void>((resolve) => {
          if (isDirty) {
            isDirty = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, maxWaitMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            isDirty = false;
            resolve();
          }
          wake = done;
        }),
      dispose: () => {
        this.emitter.off(runId, listener);
      },
    };
  }

  /**
   * Like watch, for every run: `next` resolves with the ids of the runs that changed
   * (or were created) since it last resolved, or with none after `maxWaitMs`.
   */
  async watchAll(): Promise<{ next: (maxWaitMs: number) => Promise<string[]>; dispose: () => void }> {
    await this.connect();
    const changed = new Set<string>();
    let wake: (() => void) | undefined;
    const listener = (runId: string) => {
      changed.add(runId);
      wake?.();
    };
    this.emitter.on(ANY_RUN, listener);
    const take = () => {
      const ids = [...changed];
      changed.clear();
      return ids;
    };
    return {
      next: (maxWaitMs) =>
        new Promise<string[]>((resolve) => {
          if (changed.size > 0) {
            resolve(take());
            return;
          }
          const timer = setTimeout(done, maxWaitMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve(take());
          }
          wake = done;
        }),
      dispose: () => {
        this.emitter.off(ANY_RUN, listener);
      },
    };
  }

  /** Changes up to this generation are visible to a read started now (see sharedRead). */
  get generation(): number {
    return this.notified;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    const url = this.deps.databaseUrl();
    if (!url) return Promise.reject(new Error('the database is not open yet'));
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (message) => {
      if (!message.payload) return;
      // Every run id, created ones too (controller channel), for tenant-wide followers.
      if (message.channel === RUN_CHANNEL || message.channel === CONTROLLER_CHANNEL) {
        this.emitter.emit(ANY_RUN, message.payload);
      }
      if (message.channel !== RUN_CHANNEL) return;
      this.notified += 1;
      this.emitter.emit(message.payload);
    });
    client.on('error', (error) => {
      this.deps.logger.error({ err: error }, 'run events connection lost; reconnecting on the next subscriber');
      if (this.client === client) {
        this.client = undefined;
        this.connecting = undefined;
      }
    });
    this.client = client;
    this.connecting = client.connect().then(async () => {
      await client.query(`LISTEN ${RUN_CHANNEL}`);
      await client.query(`LISTEN ${CONTROLLER_CHANNEL}`);
    });
    this.connecting.catch(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}
