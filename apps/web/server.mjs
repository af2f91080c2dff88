#!/usr/bin/env node
// Cyclone web server: one origin for users.
//  - serves the Next.js app (production build by default, `--dev` for dev mode with reload)
//  - proxies /graphql (HTTP and the graphql-transport-ws upgrade), /runs/ (log and artifact
//    downloads), /webhooks/ and /delegations/ (delegated stages' callbacks)
//    to the API, so the browser never needs CORS.
//
// Environment:
//   HOST      interface to listen on (default 127.0.0.1; set 0.0.0.0 to listen on all)
//   WEB_PORT  port to listen on (default 3000)
//   API_URL   where the API listens (default http://127.0.0.1:4000)
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes('--dev');

/** Path prefixes served by the API rather than by Next.js. */
const API_PATHS = ['/graphql'];
const API_PREFIXES = ['/graphql/', '/runs/', '/webhooks/', '/delegations/'];
const SHUTDOWN_GRACE_MS = 5_000;
/**
 * On every response of this origin (pages, built assets, proxied API answers). The
 * per-request Content-Security-Policy with its script nonce is set by src/proxy.ts.
 */
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function fail(message) {
  console.error(`[web] ${message}`);
  process.exit(1);
}

function readConfig(env) {
  const host = env.HOST?.trim() || '127.0.0.1';

  const rawPort = env.WEB_PORT?.trim() || '3000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`Invalid environment: WEB_PORT must be an integer between 1 and 65535 (got "${env.WEB_PORT}").`);
  }

  const rawApiUrl = env.API_URL?.trim() || 'http://127.0.0.1:4000';
  let apiUrl;
  try {
    apiUrl = new URL(rawApiUrl);
  } catch {
    fail(
      `Invalid environment: API_URL must be an absolute http(s) URL such as http://127.0.0.1:4000 (got "${env.API_URL}").`,
    );
  }
  if (apiUrl.protocol !== 'http:' && apiUrl.protocol !== 'https:') {
    fail(`Invalid environment: API_URL must use http or https (got "${env.API_URL}").`);
  }
  // Keep the origin only: request paths are forwarded unchanged.
  return { host, port, apiTarget: apiUrl.origin };
}

function isApiPath(url = '/') {
  const pathname = url.split('?', 1)[0] ?? '/';
  return API_PATHS.includes(pathname) || API_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

const config = readConfig(process.env);

// React and Next pick their build flavour from NODE_ENV at import time.
process.env.NODE_ENV = dev ? 'development' : 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

if (!dev && !existsSync(path.join(appDir, '.next', 'BUILD_ID'))) {
  fail(
    `No production build in ${path.join(appDir, '.next')}. Run "pnpm --filter @cyclone/web build" first, or start with --dev.`,
  );
}

const [{ default: next }, { createProxyServer }] = await Promise.all([import('next'), import('http-proxy-3')]);

// Next attaches its upgrade listener (HMR in dev) to the `httpServer` it is given. Handing it
// this emitter instead of the real server lets us decide which upgrades reach Next and which
// go to the API, so the two never both answer one socket.
const nextUpgrades = new EventEmitter();
const app = next({ dev, dir: appDir, hostname: config.host, port: config.port, httpServer: nextUpgrades });

const proxy = createProxyServer({ target: config.apiTarget, ws: true, xfwd: true });
proxy.on('error', (err, req, target) => {
  console.error(`[web] proxy ${req?.method ?? ''} ${req?.url ?? ''} -> ${config.apiTarget} failed: ${err.message}`);
  // `target` is the ServerResponse for HTTP requests and the Socket for upgrades.
  if (target && typeof target.writeHead === 'function') {
    if (!target.headersSent) {
      target.writeHead(502, { 'content-type': 'application/json' });
    }
    target.end(
      JSON.stringify({
        errors: [
          {
            message: 'The Cyclone API is not reachable. Check that it is running and try again.',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      }),
    );
  } else if (target && typeof target.destroy === 'function') {
    target.destroy();
  }
});

await app.prepare();
const handleNext = app.getRequestHandler();

const server = createServer((req, res) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (isApiPath(req.url)) {
    proxy.web(req, res);
    return;
  }
  handleNext(req, res).catch((err) => {
    console.error('[web] request failed', err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

const upgradedSockets = new Set();
server.on('upgrade', (req, socket, head) => {
  upgradedSockets.add(socket);
  socket.once('close', () => upgradedSockets.delete(socket));
  socket.on('error', () => socket.destroy());
  if (isApiPath(req.url)) {
    proxy.ws(req, socket, head);
  } else if (nextUpgrades.listenerCount('upgrade') > 0) {
    nextUpgrades.emit('upgrade', req, socket, head);
  } else {
    socket.destroy();
  }
});

server.on('error', (err) => {
  if (err.code === 'EADDRINUSE') fail(`WEB_PORT ${config.port} is already in use on ${config.host}.`);
  fail(`server error: ${err.message}`);
});

server.listen(config.port, config.host, () => {
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(
    `[web] Cyclone web (${dev ? 'development' : 'production'}) on http://${shownHost}:${config.port} -> API ${config.apiTarget}`,
  );
});

let shuttingDown = false;
async function shutdown(signal) {
  if (shuttingDown) {
    console.error(`[web] ${signal} again, exiting now`);
    process.exit(1);
  }
  shuttingDown = true;
  console.log(`[web] ${signal} received, shutting down`);
  const force = setTimeout(() => {
    console.error('[web] shutdown took too long, exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();

  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  for (const socket of upgradedSockets) socket.destroy();
  proxy.close?.();
  await Promise.allSettled([closed, app.close()]);
  clearTimeout(force);
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
