#!/usr/bin/env node
// Jaeger v2 (all-in-one, cmd/jaeger), a real trace store for the tracing tests: built once
// from its Go module (build-go-tool.sh jaeger, cached like the other tools) and started on
// loopback with in-memory storage, an OTLP/HTTP receiver the API exports to, and the query
// API the tests read the spans back from (/api/traces?service=...).
//
// Library:
//   import { startJaeger } from './jaeger.mjs';
//   const jaeger = await startJaeger();
//   jaeger.otlpEndpoint      // http://127.0.0.1:<port> (OTEL_EXPORTER_OTLP_ENDPOINT)
//   await jaeger.traces('cyclone-api')   // the query API's traces of a service
//   await jaeger.stop();
//
// CLI (by hand): node scripts/testenv/jaeger.mjs   # starts one, prints its URLs
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = Number(process.env.CYCLONE_TESTENV_START_TIMEOUT_MS ?? 60_000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Builds Jaeger if needed (minutes the first time) and returns the path of the binary. */
export async function jaegerBinary() {
  if (process.env.CYCLONE_TESTENV_JAEGER) return process.env.CYCLONE_TESTENV_JAEGER;
  try {
    const { stdout } = await execFileP('bash', [join(HERE, 'build-go-tool.sh'), 'jaeger'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim().split('\n').pop();
  } catch (error) {
    throw new Error(`building Jaeger failed: ${error.stderr || error.message}`);
  }
}

async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createNetServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

/** The collector's configuration: only what the tests use, every listener on loopback, no own telemetry ports. */
function configYaml({ otlpPort, queryPort, queryGrpcPort }) {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 10000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${queryPort}
    grpc:
      endpoint: 127.0.0.1:${queryGrpcPort}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

/** @param {{ binary?: string }} options */
export async function startJaeger(options = {}) {
  const binary = options.binary ?? (await jaegerBinary());
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-jaeger-'));
  const logFile = join(stateDir, 'jaeger.log');
  const configFile = join(stateDir, 'config.yaml');
  const [otlpPort, queryPort, queryGrpcPort] = await freePorts(3);
  writeFileSync(configFile, configYaml({ otlpPort, queryPort, queryGrpcPort }));
  const otlpEndpoint = `http://127.0.0.1:${otlpPort}`;
  const queryUrl = `http://127.0.0.1:${queryPort}`;

  const out = openSync(logFile, 'a');
  const child = spawn(binary, ['--config', configFile], {
    cwd: stateDir,
    stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const killChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killChild);

  const stop = async () => {
    process.removeListener('exit', killChild);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3_000)]);
      killChild();
    }
    rmSync(stateDir, { recursive: true, force: true });
  };

  // Ready when the query API answers and the receiver takes an (empty) export.
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(
        `jaeger exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log.slice(-4000)}`,
      );
    }
    try {
      const [services, receiver] = await Promise.all([
        fetch(`${queryUrl}/api/services`),
        fetch(`${otlpEndpoint}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"resourceSpans":[]}',
        }),
      ]);
      if (services.ok && receiver.ok) break;
    } catch {}
    if (Date.now() - started > START_TIMEOUT_MS) {
      const log = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`jaeger was not ready after ${START_TIMEOUT_MS / 1000}s:\n${log.slice(-4000)}`);
    }
    await sleep(100);
  }

  async function query(path) {
    const response = await fetch(`${queryUrl}${path}`);
    const text = await response.text();
    if (!response.ok) throw new Error(`jaeger query ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  return {
    otlpEndpoint,
    queryUrl,
    logFile,
    /** The stored traces of a service (the query API's `data`: traceID, spans, processes). */
    traces: async (service, limit = 100) =>
      (await query(`/api/traces?service=${encodeURIComponent(service)}&limit=${limit}&lookback=1h`)).data ?? [],
    /** One trace by id. */
    trace: async (traceId) => (await query(`/api/traces/${traceId}`)).data?.[0],
    stop,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const jaeger = await startJaeger();
  console.log(JSON.stringify({ otlp: jaeger.otlpEndpoint, query: jaeger.queryUrl }));
  console.log('Ctrl-C stops it');
  process.on('SIGINT', () => jaeger.stop().then(() => process.exit(0)));
}
