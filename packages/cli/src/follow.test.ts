import { describe, expect, it } from 'vitest';
import { ApiError, CliError } from './errors.js';
import { followRun, type LogLine, type RunSnapshot, type StageSnapshot } from './follow.js';
import type { Sink, SubscriptionSession } from './subscriptions.js';

type Step =
  | { kind: 'logs'; send: LogLine[]; end: 'complete' | { error: unknown } | 'hang' }
  | { kind: 'updates'; send: RunSnapshot[]; end: 'complete' | { error: unknown } | 'hang' };

const line = (stage: string, seq: number): LogLine => ({
  stage,
  seq,
  line: `${stage} ${seq}`,
  stream: 'STDOUT',
  timestamp: '2026-11-26T00:00:00Z',
});
const run = (phase: RunSnapshot['phase'] & StageSnapshot['phase']): RunSnapshot => ({
  id: 'r1',
  number: 1,
  phase,
  message: '',
  isPaused: false,
  isStopping: false,
  createdAt: '2026-11-26T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  workflow: { name: 'ci' },
  stages: [
    { name: 'a', phase, attempt: 1, exitCode: null, message: '', startedAt: null, finishedAt: null, matrix: [] },
    { name: 'b', phase, attempt: 1, exitCode: null, message: '', startedAt: null, finishedAt: null, matrix: [] },
  ],
});

/** Sessions that play a script per connection and record what was asked. */
function scripted(connections: { logs?: Step; updates?: Step }[]) {
  const asked: { query: 'logs' | 'updates'; variables: Record<string, unknown> }[] = [];
  let opened = 0;
  const open = (): SubscriptionSession => {
    const script = connections[opened++];
    if (!script) throw new Error('too many connections');
    return {
      subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>) {
        const kind = query.includes('workflowRunLogBatches') ? 'logs' : 'updates';
        asked.push({ query: kind, variables });
        const step = script[kind];
        if (!step) throw new Error(`no ${kind} on connection ${opened}`);
        queueMicrotask(() => {
          // A connection's lines come as one batch: the client drops those it has, wherever they are.
          if (kind === 'logs') {
            if (step.send.length > 0) sink.next({ workflowRunLogBatches: step.send } as T);
          } else for (const value of step.send) sink.next({ workflowRunUpdated: value } as T);
          if (step.end === 'complete') sink.complete();
          else if (step.end !== 'hang') sink.error(step.end.error);
        });
      },
      close: async () => undefined,
    };
  };
  return { open, asked, opened: () => opened };
}

const collect = () => {
  const lines: string[] = [];
  const phases: string[] = [];
  return {
    lines,
    phases,
    onLine: (l: LogLine) => lines.push(`${l.stage}#${l.seq}`),
    onRun: (r: RunSnapshot) => phases.push(r.phase),
  };
};

describe('followRun', () => {
  it('prints every line and phase, and returns the last run state when both streams complete', async () => {
    const sessions = scripted([
      {
        logs: { kind: 'logs', send: [line('a', 1), line('b', 1), line('a', 2)], end: 'complete' },
        updates: { kind: 'updates', send: [run('RUNNING'), run('SUCCEEDED')], end: 'complete' },
      },
    ]);
    const out = collect();
    const final = await followRun({
      runId: 'r1',
      server: 'http://h',
      openSession: sessions.open,
      stages: ['a', 'b'],
      ...out,
    });
    expect(out.lines).toEqual(['a#1', 'b#1', 'a#2']);
    expect(out.phases).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(final?.phase).toBe('SUCCEEDED');
    expect(sessions.asked[0]).toEqual({ query: 'logs', variables: { id: 'r1', stage: null, afterSeq: 0 } });
  });

  it('after a dropped connection resumes from the last seq of every stage, without gaps or repeats', async () => {
    const dropped = { error: { code: 1006, reason: '' } };
    const sessions = scripted([
      {
        logs: {
          kind: 'logs',
          send: [line('a', 1), line('a', 2), line('b', 1), line('b', 2), line('b', 3)],
          end: dropped,
        },
        updates: { kind: 'updates', send: [run('RUNNING')], end: 'hang' },
      },
      {
        // The server replays after the smallest seq (a: 2), so b's 2 and 3 come again.
        logs: { kind: 'logs', send: [line('a', 3), line('b', 2), line('b', 3), line('b', 4)], end: 'complete' },
        updates: { kind: 'updates', send: [run('RUNNING'), run('FAILED')], end: 'complete' },
      },
    ]);
    const out = collect();
    const reconnects: number[] = [];
    const final = await followRun({
      runId: 'r1',
      server: 'http://h',
      openSession: sessions.open,
      stages: ['a', 'b'],
      ...out,
      onReconnect: (attempt) => reconnects.push(attempt),
      reconnectDelayMs: () => 0,
    });
    expect(out.lines).toEqual(['a#1', 'a#2', 'b#1', 'b#2', 'b#3', 'a#3', 'b#4']);
    expect(reconnects).toEqual([1]);
    expect(sessions.asked.filter((a) => a.query === 'logs').map((a) => a.variables.afterSeq)).toEqual([0, 2]);
    expect(final?.phase).toBe('FAILED');
  });

  it('resumes a single stage from its own last seq, and a stage never seen from the start', async () => {
    const dropped = { error: new Error('socket hang up') };
    const one = scripted([
      {
        logs: { kind: 'logs', send: [line('b', 1), line('b', 2)], end: dropped },
        updates: { kind: 'updates', send: [], end: 'hang' },
      },
      {
        logs: { kind: 'logs', send: [line('b', 3)], end: 'complete' },
        updates: { kind: 'updates', send: [run('SUCCEEDED')], end: 'complete' },
      },
    ]);
    await followRun({
      runId: 'r1',
      server: 'h',
      openSession: one.open,
      stage: 'b',
      stages: ['a', 'b'],
      ...collect(),
      reconnectDelayMs: () => 0,
    });
    expect(one.asked.filter((a) => a.query === 'logs').map((a) => a.variables)).toEqual([
      { id: 'r1', stage: 'b', afterSeq: 0 },
      { id: 'r1', stage: 'b', afterSeq: 2 },
    ]);

    const unseen = scripted([
      {
        logs: { kind: 'logs', send: [line('a', 1), line('a', 2)], end: dropped },
        updates: { kind: 'updates', send: [], end: 'hang' },
      },
      {
        logs: { kind: 'logs', send: [], end: 'complete' },
        updates: { kind: 'updates', send: [run('SUCCEEDED')], end: 'complete' },
      },
    ]);
    await followRun({
      runId: 'r1',
      server: 'h',
      openSession: unseen.open,
      stages: ['a', 'b'],
      ...collect(),
      reconnectDelayMs: () => 0,
    });
    // b has printed nothing yet: resuming after a's seq would skip b's first lines.
    expect(unseen.asked.filter((a) => a.query === 'logs').map((a) => a.variables.afterSeq)).toEqual([0, 0]);
  });

  it('subscribes again when the API answers that its database was busy', async () => {
    const busy = [{ message: 'the database is busy', extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: true } }];
    const sessions = scripted([
      {
        logs: { kind: 'logs', send: [line('a', 1)], end: { error: busy } },
        updates: { kind: 'updates', send: [run('RUNNING')], end: 'hang' },
      },
      {
        logs: { kind: 'logs', send: [line('a', 1), line('a', 2)], end: 'complete' },
        updates: { kind: 'updates', send: [run('SUCCEEDED')], end: 'complete' },
      },
    ]);
    const out = collect();
    const final = await followRun({
      runId: 'r1',
      server: 'http://h',
      openSession: sessions.open,
      stages: ['a'],
      ...out,
      reconnectDelayMs: () => 0,
    });
    expect(out.lines).toEqual(['a#1', 'a#2']);
    expect(final?.phase).toBe('SUCCEEDED');
    expect(sessions.opened()).toBe(2);
  });

  it('does not reconnect after an answer from the API, and gives up after too many drops', async () => {
    const refused = scripted([
      {
        logs: { kind: 'logs', send: [], end: { error: { code: 4403, reason: 'Forbidden' } } },
        updates: { kind: 'updates', send: [], end: 'hang' },
      },
    ]);
    await expect(
      followRun({ runId: 'r1', server: 'h', openSession: refused.open, stages: [], ...collect() }),
    ).rejects.toThrow('your token is invalid or expired: run cyclone login');
    expect(refused.opened()).toBe(1);

    const notFound = scripted([
      {
        logs: { kind: 'logs', send: [], end: { error: new ApiError('NOT_FOUND', 'no run r1') } },
        updates: { kind: 'updates', send: [], end: 'hang' },
      },
    ]);
    await expect(
      followRun({ runId: 'r1', server: 'h', openSession: notFound.open, stages: [], ...collect() }),
    ).rejects.toThrow('NOT_FOUND: no run r1');

    const drop = { kind: 'logs' as const, send: [], end: { error: { code: 1006 } } };
    const hang = { kind: 'updates' as const, send: [], end: 'hang' as const };
    const flaky = scripted(Array.from({ length: 3 }, () => ({ logs: drop, updates: hang })));
    const error = await followRun({
      runId: 'r1',
      server: 'http://h',
      openSession: flaky.open,
      stages: [],
      ...collect(),
      maxReconnects: 2,
      reconnectDelayMs: () => 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe('lost the connection to http://h (1006)');
    expect(flaky.opened()).toBe(3);
  });
});
