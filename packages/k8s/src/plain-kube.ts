import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiException, type KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import pLimit from 'p-limit';

/**
 * Requests under way at once; more wait their turn. Each one holds a connection of its
 * own (HTTP/1.1), and a burst of starts opened 150 TLS connections, a handshake each on
 * both ends; this many keep a burst's writes flowing on connections kept alive.
 */
const MAX_IN_FLIGHT = 32;

/** A request whose connection stays silent this long fails, and frees its turn. */
const IDLE_TIMEOUT_MS = 60_000;

interface PlainRequest {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number>;
  /** `ignored`: read to its end, not parsed (a pod's answer is large). */
  answer: 'parsed' | 'ignored';
}

/**
 * JSON requests to the API server without client-node's typed model, for the few
 * writes every run makes (its WorkflowRun, Secret and pod, the run's status, the pod's
 * deletion). The generated API walks each body and response through its model
 * (ObjectSerializer) and fetch: under a burst of runs that was most of the client's
 * CPU (bench/k8s). The body goes out as JSON.stringify of the same object the typed
 * API would serialize (plain-kube.test.ts checks that no model under a pod or Secret
 * renames a field); an answer is parsed JSON (no Date objects), or not read at all.
 *
 * Connections, credentials and the tenant guard are the KubeConfig's own: each request
 * asks it for its options (applyToHTTPSOptions), so it shares the kept-alive agent of
 * reuseConnections and passes guardConnections like every other request. A failure
 * throws client-node's ApiException, so apiStatusOf and apiMessageOf read it alike.
 */
export class PlainKube {
  private readonly limit = pLimit(MAX_IN_FLIGHT);

  constructor(private readonly kc: KubeConfig) {}

  /** POST: creates an object in the collection at `path`; the created object. */
  create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body, contentType: 'application/json', answer: 'parsed' });
  }

  /** POST, the created object left unread (a pod's is large and parsing it costs). */
  async createOnly(path: string, body: unknown): Promise<void> {
    await this.request('POST', path, { body, contentType: 'application/json', answer: 'ignored' });
  }

  /** PATCH with a merge patch (RFC 7386). */
  async mergePatch(path: string, patch: unknown): Promise<void> {
    await this.request('PATCH', path, { body: patch, contentType: PatchStrategy.MergePatch, answer: 'ignored' });
  }

  /** DELETE, the query naming its options (e.g. gracePeriodSeconds). */
  async delete(path: string, query: Record<string, string | number> = {}): Promise<void> {
    await this.request('DELETE', path, { query, answer: 'ignored' });
  }

  private request<T>(method: string, path: string, options: PlainRequest): Promise<T> {
    return this.limit(() => this.send<T>(method, path, options));
  }

  private async send<T>(method: string, path: string, options: PlainRequest): Promise<T> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
    // Credentials (a token or basic auth) and the agent (TLS material, the guard's lookup).
    const applied: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(applied);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    for (const [key, value] of Object.entries(applied.headers ?? {})) {
      if (typeof value === 'string' || typeof value === 'number') headers[key] = value;
    }
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { method, headers, agent: applied.agent, auth: applied.auth }, (res) => {
        const status = res.statusCode ?? 0;
        const isOk = status >= 200 && status <= 299;
        res.on('error', reject);
        if (isOk && options.answer === 'ignored') {
          // Read to the end all the same: the connection goes back to the agent then.
          res.on('end', () => resolve(undefined as T)).resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (!isOk) {
            reject(new ApiException(status, 'Unknown API Status Code!', text, headersOf(res.headers)));
            return;
          }
          try {
            resolve((text === '' ? undefined : JSON.parse(text)) as T);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', reject);
      req.setTimeout(IDLE_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${IDLE_TIMEOUT_MS} ms`)),
      );
      req.end(payload);
    });
  }
}

/** The response's headers as client-node's exceptions carry them (one string per name). */
function headersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const namespaced = (namespace: string) => `namespaces/${encodeURIComponent(namespace)}`;

/** Paths of the objects a run writes. */
export const KUBE_PATHS = {
  pods: (namespace: string) => `/api/v1/${namespaced(namespace)}/pods`,
  pod: (namespace: string, name: string) => `/api/v1/${namespaced(namespace)}/pods/${encodeURIComponent(name)}`,
  secrets: (namespace: string) => `/api/v1/${namespaced(namespace)}/secrets`,
  customObjects: (t: { group: string; version: string; namespace: string; plural: string }) =>
    `/apis/${t.group}/${t.version}/${namespaced(t.namespace)}/${t.plural}`,
} as const;
