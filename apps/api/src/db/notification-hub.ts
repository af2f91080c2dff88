import pg from 'pg';
import type { Logger } from '../logging/logger.js';

/**
 * Postgres NOTIFY channels, their one home. Payloads stay small (ids, a word):
 * listeners read the rows.
 * - `run`: a run, its stages or its logs changed (payload: run id; for a batch of log
 *   lines `<run id> <last seq> <stage>`, logBatchPayload); every serving process fans
 *   it out to subscriptions.
 * - `controller`: a run was created, or a stop, pause or resume was asked for
 *   (payload: run id); controllers act on it at once. Separate from `run`, which
 *   also carries every log batch.
 * - `data`: tracked data changed (payload `auth` for identity tables), sent by the
 *   triggers of migration 20261126100000_data_version; query caches listen.
 * - `mirror`: what the Kubernetes mirror writes into the cluster changed (payload: the
 *   table), sent by the triggers of migration 20261231100000_mirror_wake; the mirror
 *   makes a new tenant's namespace at once instead of on its next resync.
 */
export const CHANNELS = {
  run: 'cyclone_run',
  controller: 'cyclone_controller',
  data: 'cyclone_data',
  mirror: 'cyclone_mirror',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Anything that runs SQL: the Prisma client or a transaction. */
interface Sql {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/** Tells every process that a run, its stages or its logs changed; sent on commit. */
export async function notifyRunChanged(sql: Sql, runId: string): Promise<void> {
  await sql.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${runId})`;
}

/**
 * The `run` payload of a stored batch of a stage's log lines: a process that stored the
 * batch itself then knows the notification is about lines its followers already have.
 */
export function logBatchPayload(runId: string, stage: string, lastSeq: string): string {
  return `${runId} ${lastSeq} ${stage}`;
}

/** A `run` payload: the run, and the log batch it announces if it is one. */
export function readRunPayload(payload: string): { runId: string; batch?: { stage: string; lastSeq: number } } {
  const [runId = '', lastSeq, ...stage] = payload.split(' ');
  return lastSeq === undefined ? { runId } : { runId, batch: { stage: stage.join(' '), lastSeq: Number(lastSeq) } };
}

/** Wakes the controllers of every process (on commit) to act on the run at once. */
export async function notifyControllers(sql: Sql, runId: string): Promise<void> {
  await sql.$executeRaw`SELECT pg_notify(${CHANNELS.controller}, ${runId})`;
}

const RECONNECT_MS = 1_000;

type Handler = (payload: string) => void;

/**
 * This process's one LISTEN connection, on every channel, with one reconnect
 * policy: a lost connection is opened again a second later, for as long as the hub
 * is open. Listeners are told when listening (again) begins — whatever was
 * announced while not listening is unknown to them — and when it is lost.
 */
export class NotificationHub {
  private client: pg.Client | undefined;
  private starting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private isClosed = false;
  private readonly handlers = new Map<Channel, Set<Handler>>();
  private readonly listening = new Set<() => void>();
  private readonly lost = new Set<() => void>();
  /** True only while the connection is up and LISTENs on every channel. */
  isListening = false;

  constructor(private readonly deps: { databaseUrl: string; logger: Logger }) {}

  /** Calls `handler` with the payload of every notification on `channel`; returns the way to stop. */
  on(channel: Channel, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called each time listening begins, the first time included. */
  onListening(handler: () => void): () => void {
    this.listening.add(handler);
    return () => this.listening.delete(handler);
  }

  /** Called each time the connection is lost. */
  onLost(handler: () => void): () => void {
    this.lost.add(handler);
    return () => this.lost.delete(handler);
  }

  /** Connects if not yet; resolves once listening or after the first failure (it keeps retrying). */
  start(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.starting ??= this.connect();
    return this.starting;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.isListening = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.deps.databaseUrl, keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      const handlers = this.handlers.get(message.channel as Channel);
      if (!handlers || message.payload === undefined) return;
      for (const handler of handlers) handler(message.payload);
    });
    const reconnect = (error: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      const wasListening = this.isListening;
      this.isListening = false;
      client.end().catch(() => undefined);
      if (wasListening) for (const handler of this.lost) handler();
      if (this.isClosed) return;
      this.deps.logger.warn({ err: error }, 'notification connection lost; reconnecting');
      this.retry = setTimeout(() => {
        this.starting = this.connect();
      }, RECONNECT_MS);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect(new Error('connection ended')));
    return client
      .connect()
      .then(async () => {
        for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
        if (this.client !== client) return;
        this.isListening = true;
        for (const handler of this.listening) handler();
      })
      .catch(reconnect);
  }
}
