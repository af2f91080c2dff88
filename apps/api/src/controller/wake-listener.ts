import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { CONTROLLER_CHANNEL } from '../modules/runs/run-events.js';

const RECONNECT_MS = 1_000;

/**
 * LISTENs on the controller channel so that a run created or steered by any API
 * process (role server included) wakes this controller at once instead of at its
 * next interval. A lost connection only delays: the periodic passes still run.
 */
export class WakeListener {
  private client: pg.Client | undefined;
  private isClosed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { databaseUrl: string; logger: Logger; onWake: (runId: string) => void }) {}

  start(): void {
    if (this.isClosed || this.client) return;
    const client = new pg.Client({ connectionString: this.deps.databaseUrl });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === CONTROLLER_CHANNEL && message.payload) this.deps.onWake(message.payload);
    });
    const reconnect = (error: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.isClosed) return;
      this.deps.logger.warn({ err: error }, 'controller wake-up connection lost; reconnecting');
      this.retry = setTimeout(() => this.start(), RECONNECT_MS);
    };
    client.on('error', reconnect);
    client
      .connect()
      .then(() => client.query(`LISTEN ${CONTROLLER_CHANNEL}`))
      // Whatever was announced while not listening is found by the next resync.
      .then(() => this.deps.onWake(''))
      .catch(reconnect);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
