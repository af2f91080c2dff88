import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { activeTraceFields, contextFromTraceParent, inSpan, traceParentOf, withTraceParent } from './trace-context.js';

const TRACE_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context of runs and stages', () => {
  it('carries a stored traceparent through a context unchanged', () => {
    const context = contextFromTraceParent(TRACE_PARENT);
    expect(trace.getSpanContext(context)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      isRemote: true,
    });
    expect(traceParentOf(context)).toBe(TRACE_PARENT);
  });

  it('gives no parent for a missing or malformed traceparent, and no traceparent without a span', () => {
    for (const value of [null, undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(trace.getSpanContext(contextFromTraceParent(value))).toBeUndefined();
    }
    expect(traceParentOf(ROOT_CONTEXT)).toBeNull();
  });

  it('records nothing and writes no trace fields while no SDK is started', async () => {
    const seen = await inSpan('test', {}, async () => ({ traceParent: traceParentOf(), fields: activeTraceFields() }));
    expect(seen).toEqual({ traceParent: null, fields: {} });
  });

  it('marks a span that throws and passes the error on', async () => {
    await expect(
      inSpan('test', {}, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it("adds TRACEPARENT to a stage's environment, unless there is none or the stage sets its own", () => {
    const env = [{ name: 'A', value: '1' }];
    expect(withTraceParent(env, TRACE_PARENT)).toEqual([...env, { name: 'TRACEPARENT', value: TRACE_PARENT }]);
    expect(withTraceParent(env, null)).toEqual(env);
    const own = [{ name: 'TRACEPARENT', value: 'mine' }];
    expect(withTraceParent(own, TRACE_PARENT)).toEqual(own);
  });
});
