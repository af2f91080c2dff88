import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The body's bytes as sent. */
  raw: Buffer;
}

export interface CannedResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is (raw file endpoints) instead of `body` as JSON. */
  raw?: string;
}

/**
 * A loopback HTTP server standing in for an SCM server's API in tests: it answers
 * `"METHOD /path?query"` routes with canned (documentation-shaped) payloads and
 * records every request so tests can assert what a provider sent.
 */
export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, CannedResponse | ((req: RecordedRequest) => CannedResponse)>();
  private server: Server | undefined;
  url = '';

  on(route: string, response: CannedResponse | ((req: RecordedRequest) => CannedResponse)): this {
    this.routes.set(route, response);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the text
        }
        const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw };
        this.requests.push(recorded);
        const route =
          this.routes.get(`${req.method} ${req.url}`) ?? this.routes.get(`${req.method} ${req.url?.split('?')[0]}`);
        const answer = typeof route === 'function' ? route(recorded) : route;
        if (!answer) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Not Found' }));
          return;
        }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  find(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
