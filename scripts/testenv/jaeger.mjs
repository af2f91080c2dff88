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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, goToolBinary, startToolProcess } from './tool-process.mjs';

/** Builds Jaeger if needed (minutes the first time) and returns the path of the binary. */
export async function jaegerBinary() {
  return process.env.CYCLONE_TESTENV_JAEGER ?? (await goToolBinary('jaeger'));
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
  const [otlpPort, queryPort, queryGrpcPort] = await freePorts(3);
  const otlpEndpoint = `http://127.0.0.1:${otlpPort}`;
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  const { logFile, stop } = await startToolProcess({
    name: 'jaeger',
    binary,
    prepare: (stateDir) =>
      writeFileSync(join(stateDir, 'config.yaml'), configYaml({ otlpPort, queryPort, queryGrpcPort })),
    args: (stateDir) => ['--config', join(stateDir, 'config.yaml')],
    // Ready when the query API answers and the receiver takes an (empty) export.
    ready: async () => {
      const [services, receiver] = await Promise.all([
        fetch(`${queryUrl}/api/services`),
        fetch(`${otlpEndpoint}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"resourceSpans":[]}',
        }),
      ]);
      return services.ok && receiver.ok;
    },
  });

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
