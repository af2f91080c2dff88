import { startTracing } from './observability/tracing.js';

// Tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) starts before the API's modules are
// imported, so that its instrumentations patch http, express, pg and graphql as they load.
const tracing = await startTracing().catch((error: unknown) => {
  process.stderr.write(`cyclone api cannot start tracing: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
const { reportStartFailure, runApiProcess } = await import('./api-process.js');
await runApiProcess(tracing).catch(reportStartFailure);
