/**
 * OpenTelemetry tracing of the API process (docs/operations.md, "Tracing"): on only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK honours the standard OTEL_* variables
 * (protocol, headers, sampler, resource attributes, OTEL_SDK_DISABLED); the service is
 * `cyclone-api` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names another.
 *
 * It must start before the modules it instruments are imported (main.ts imports the
 * rest of the API only after it), and nothing of the SDK is loaded when it is off.
 */
export interface Tracing {
  /** Ends the SDK: spans not yet exported are flushed. */
  shutdown(): Promise<void>;
}

export function isTracingOn(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!isTracingOn(env)) return undefined;
  // ES modules are patched by a loader hook (import-in-the-middle), which only sees
  // modules imported after it is registered.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK }, { HttpInstrumentation }, { ExpressInstrumentation }, { PgInstrumentation }, graphql] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-express'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/instrumentation-graphql'),
    ]);
  const isNamed = Boolean(env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    ...(isNamed ? {} : { serviceName: 'cyclone-api' }),
    instrumentations: [
      new HttpInstrumentation(),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
      // Every field of an answer would be a span of its own: the operation and its
      // top-level resolvers (the queries and mutations that do the work) are enough.
      new graphql.GraphQLInstrumentation({ depth: 1, ignoreTrivialResolveSpans: true }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
