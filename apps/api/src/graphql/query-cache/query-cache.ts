import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataGenerations } from '../../db/data-version.js';
import { LruCache } from '../../modules/shared/lru-cache.js';

export interface QueryCacheOptions {
  /** Longest an answer is served again; 0 turns the cache off. */
  maxAgeMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** One answer as sent: the body and the headers Apollo and Express gave it. */
export interface CachedAnswer {
  body: Buffer;
  headers: OutgoingHttpHeaders;
  generation: number;
  storedAt: number;
}

/** What the fast path hands to the Apollo plugin and back for one cache miss. */
export interface PendingAnswer {
  key: string;
  /** The data generation before any read of this request; undefined: not cacheable. */
  generation: number | undefined;
  /** Set by the plugin when the operation turned out to be a cacheable query. */
  isCacheable: boolean;
  /** Lets requests waiting for the same answer go on (see `inFlight`). */
  release: () => void;
}

// Per-request headers: set afresh for every response.
const UNCACHED_HEADERS = new Set(['x-request-id', 'set-cookie', 'date', 'connection', 'keep-alive']);

/**
 * GraphQL answers by (principal, accepted media type, document, operation name,
 * variables, extensions), valid while the data generation is unchanged and for at
 * most maxAgeMs. See docs/api.md "Query cache" for what is cached and why it is safe.
 */
export class QueryCache {
  private readonly answers: LruCache<CachedAnswer>;
  private clearedAt = -1;
  /** Misses being executed, by key: identical requests arriving meanwhile wait for them. */
  private readonly executing = new Map<string, Promise<void>>();
  private readonly hits: Counter;
  private readonly misses: Counter;
  private readonly uncacheable: Counter;

  constructor(
    private readonly generations: DataGenerations,
    private readonly options: QueryCacheOptions,
    registry?: Registry,
  ) {
    this.answers = new LruCache({ maxEntries: options.maxEntries, maxSize: options.maxBytes });
    const registers = registry ? [registry] : [];
    this.hits = new Counter({
      name: 'cyclone_query_cache_hits_total',
      help: 'GraphQL queries answered from the query cache',
      registers,
    });
    this.misses = new Counter({
      name: 'cyclone_query_cache_misses_total',
      help: 'Cacheable GraphQL queries that were executed (and their answer stored)',
      registers,
    });
    this.uncacheable = new Counter({
      name: 'cyclone_query_cache_uncacheable_total',
      help: 'GraphQL requests the query cache did not keep (mutations, errors, uncacheable fields, cache not current)',
      registers,
    });
    const answers = this.answers;
    new Gauge({
      name: 'cyclone_query_cache_entries',
      help: 'Answers held by the query cache',
      registers,
      collect() {
        this.set(answers.size);
      },
    });
    new Gauge({
      name: 'cyclone_query_cache_bytes',
      help: 'Body bytes held by the query cache',
      registers,
      collect() {
        this.set(answers.bytes);
      },
    });
  }

  get isEnabled(): boolean {
    return this.options.maxAgeMs > 0 && this.options.maxEntries > 0 && this.options.maxBytes > 0;
  }

  /** The cache key of a request; `principal` is the user id (or '' when signed out). */
  keyOf(principal: string, accept: string | undefined, body: Record<string, unknown>): string {
    return createHash('sha256')
      .update(principal)
      .update('\0')
      .update(accept ?? '')
      .update('\0')
      .update(body.query as string)
      .update('\0')
      .update(typeof body.operationName === 'string' ? body.operationName : '')
      .update('\0')
      .update(JSON.stringify(body.variables ?? null))
      .update('\0')
      .update(JSON.stringify(body.extensions ?? null))
      .digest('base64');
  }

  /** A current answer, or undefined (counted as neither hit nor miss yet). */
  lookup(key: string): CachedAnswer | undefined {
    if (!this.generations.isLive) return undefined;
    this.dropIfStale();
    const answer = this.answers.get(key);
    if (!answer) return undefined;
    if (answer.generation !== this.generations.data || Date.now() - answer.storedAt >= this.options.maxAgeMs) {
      this.answers.delete(key);
      return undefined;
    }
    this.hits.inc();
    return answer;
  }

  /**
   * When an identical request is being executed, resolves when it has been answered
   * (then look up again): after an entry expires or is invalidated, 50 clients asking
   * the same thing cost one execution instead of 50.
   */
  inFlight(key: string): Promise<void> | undefined {
    return this.executing.get(key);
  }

  /** Starts a miss: the generation is read before the request reads anything. */
  begin(key: string): PendingAnswer {
    let release = () => {};
    if (!this.executing.has(key)) {
      const done = new Promise<void>((resolve) => {
        release = () => {
          if (this.executing.get(key) === done) this.executing.delete(key);
          resolve();
        };
      });
      this.executing.set(key, done);
    }
    return {
      key,
      generation: this.generations.isLive ? this.generations.data : undefined,
      isCacheable: false,
      release,
    };
  }

  /** Ends a miss with the bytes and headers sent; keeps them only if still current. */
  finish(pending: PendingAnswer, body: Buffer | undefined, headers: OutgoingHttpHeaders): void {
    const isCurrent =
      body !== undefined &&
      pending.isCacheable &&
      pending.generation !== undefined &&
      pending.generation === this.generations.data &&
      this.generations.isLive;
    if (!isCurrent) {
      this.uncacheable.inc();
      pending.release();
      return;
    }
    this.misses.inc();
    this.dropIfStale();
    const kept: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !UNCACHED_HEADERS.has(name)) kept[name] = value;
    }
    this.answers.set(
      pending.key,
      { body: body as Buffer, headers: kept, generation: pending.generation as number, storedAt: Date.now() },
      (body as Buffer).length + pending.key.length,
    );
    pending.release();
  }

  private dropIfStale(): void {
    if (this.clearedAt === this.generations.data) return;
    this.answers.clear();
    this.clearedAt = this.generations.data;
  }
}
