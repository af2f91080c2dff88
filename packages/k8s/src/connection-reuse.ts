import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Cluster, KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: Cluster | null, agentOptions: Record<string, unknown>) => Agent;

/** What a TLS context is made of. */
const TLS_CONTEXT_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const;

/** The options an agent's connections depend on besides the server: its TLS material and checks. */
const CONNECTION_OPTIONS = [...TLS_CONTEXT_OPTIONS, 'rejectUnauthorized', 'servername'] as const;

/**
 * An idle kept connection is closed after this long, well before kube-apiserver closes
 * it (90 s): a request sent on a connection the server is closing fails. Requests under
 * way, watches included, are not cut by it (the agent closes idle connections only).
 */
const IDLE_CONNECTION_MS = 30_000;

/** Agents kept per KubeConfig; more distinct option sets than this (rotated certificates) drop the oldest. */
const MAX_AGENTS = 4;

const reusing = new WeakSet<KubeConfig>();

/**
 * Every request of the clients made from `kc` reuses kept-alive connections. client-node
 * makes a new agent for each request, so each one opened a TLS connection of its own
 * and parsed the client key again: under a burst of runs that was a quarter of the API's
 * CPU (bench/k8s). Requests with the same server and TLS material share one agent;
 * material read anew (a rotated certificate) gets an agent of its own. Idempotent; a
 * guard (guardConnections) applied later wraps it, so its check still runs per request.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  if (reusing.has(kc)) return kc;
  reusing.add(kc);
  const createAgent = (Reflect.get(kc, 'createAgent') as CreateAgent).bind(kc);
  const agents = new Map<string, Agent>();
  const reused: CreateAgent = (cluster, agentOptions) => {
    const key = keyOf(cluster, agentOptions);
    const kept = agents.get(key);
    if (kept) return kept;
    // Each new TLS connection would otherwise build a context of its own (parsing the key again).
    const isTls = cluster?.server.startsWith('https:') && !cluster.proxyUrl;
    const secureContext = isTls ? createSecureContext(pick(agentOptions, TLS_CONTEXT_OPTIONS)) : undefined;
    const agent = createAgent(cluster, {
      ...agentOptions,
      keepAlive: true,
      timeout: IDLE_CONNECTION_MS,
      ...(secureContext ? { secureContext } : {}),
    });
    if (agents.size >= MAX_AGENTS) {
      const [oldestKey, oldest] = agents.entries().next().value as [string, Agent];
      agents.delete(oldestKey);
      // Requests under way finish on their sockets; only idle ones close now.
      for (const sockets of Object.values(oldest.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
    agents.set(key, agent);
    return agent;
  };
  Reflect.set(kc, 'createAgent', reused);
  return kc;
}

/** A digest of what the agent's connections depend on (certificates and keys arrive as Buffers, read anew per request). */
function keyOf(cluster: Cluster | null, agentOptions: Record<string, unknown>): string {
  const hash = createHash('sha256').update(`${cluster?.server}\0${cluster?.proxyUrl}`);
  for (const option of CONNECTION_OPTIONS) {
    const value = agentOptions[option];
    hash.update(`\0${option}=`);
    if (Buffer.isBuffer(value) || typeof value === 'string') hash.update(value);
    else if (value !== undefined && value !== null) hash.update(JSON.stringify(value));
  }
  return hash.digest('base64');
}

function pick(options: Record<string, unknown>, keys: readonly string[]): SecureContextOptions {
  return Object.fromEntries(keys.filter((key) => options[key] != null).map((key) => [key, options[key]]));
}
