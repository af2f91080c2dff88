// Type declarations for jaeger.mjs (the tracing tests' trace store).

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; type: string; value: unknown }[];
  processID: string;
  startTime: number;
  duration: number;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

export interface Jaeger {
  /** http://127.0.0.1:<port>, for OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP). */
  otlpEndpoint: string;
  /** The query API, http://127.0.0.1:<port>. */
  queryUrl: string;
  logFile: string;
  traces(service: string, limit?: number): Promise<JaegerTrace[]>;
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  stop(): Promise<void>;
}

export function jaegerBinary(): Promise<string>;
export function startJaeger(options?: { binary?: string }): Promise<Jaeger>;
