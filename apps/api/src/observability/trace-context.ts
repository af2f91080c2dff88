import {
  type Attributes,
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Span contexts carried outside the process as W3C `traceparent` strings: stored with a
 * run (workflow_runs.trace_parent) so that the controller's spans join the trace of the
 * mutation or delivery that made it, in any process and after a restart, and handed
 * to stages as TRACEPARENT. Without the SDK (tracing off) the API is a no-op: no span
 * records and nothing is written.
 */
const w3c = new W3CTraceContextPropagator();
const tracer = trace.getTracer('cyclone-api');

/** The `traceparent` of the context's span; null when it has none. */
export function traceParentOf(ctx: Context = context.active()): string | null {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent ?? null;
}

/** A context whose parent is the span a `traceparent` names; the root when it names none. */
export function contextFromTraceParent(traceParent: string | null | undefined): Context {
  if (!traceParent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent: traceParent }, defaultTextMapGetter);
}

/** Runs `work` in a new span (ended when it settles; a throw marks it failed), child of `parent`. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Log fields of the active span (pino mixin): log records join their trace. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** A span, child of the active one, for work that is not a promise; the caller ends it. */
export function openSpan(name: string, attributes: Attributes): Span {
  return tracer.startSpan(name, { attributes });
}

/**
 * A stage's environment with TRACEPARENT, the W3C trace context of its attempt's span
 * (docs/operations.md, "Tracing"); unchanged without one, or when the stage sets its own.
 */
export function withTraceParent<T extends { name: string; value: string }>(
  env: T[],
  traceParent: string | null,
): (T | { name: string; value: string })[] {
  if (!traceParent || env.some((entry) => entry.name === 'TRACEPARENT')) return env;
  return [...env, { name: 'TRACEPARENT', value: traceParent }];
}
