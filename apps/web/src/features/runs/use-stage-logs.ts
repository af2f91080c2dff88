'use client';

import { RunLogBatchesDocument } from '@cyclone/api-contract';
import { useEffect, useState } from 'react';
import type { GraphQLRequestError } from '@/lib/graphql/errors';
import { onConnectionChange, subscribe } from '@/lib/graphql/ws-client';
import { LogBuffer, type LogLine } from './log-buffer';

export type LogStreamState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

/** Buffers survive closing and reopening the drawer (per run and stage, this page session). */
const buffers = new Map<string, LogBuffer>();
const MAX_BUFFERS = 20;

function bufferFor(runId: string, stage: string): LogBuffer {
  const key = `${runId}/${stage}`;
  let buffer = buffers.get(key);
  if (!buffer) {
    if (buffers.size >= MAX_BUFFERS) buffers.delete(buffers.keys().next().value as string);
    buffer = new LogBuffer();
    buffers.set(key, buffer);
  }
  return buffer;
}

/**
 * The live log of one stage. `workflowRunLogBatches` replays stored lines and then follows;
 * when the connection drops, the subscription is opened again after the last seq it
 * holds, so no line is missed and none is shown twice. Lines are applied once per
 * animation frame, so a fast stage does not re-render per line.
 */
export function useStageLogs(runId: string, stage: string | null) {
  const [state, setState] = useState<LogStreamState>('connecting');
  const [error, setError] = useState<GraphQLRequestError | null>(null);
  const [, setVersion] = useState(0);
  const buffer = stage ? bufferFor(runId, stage) : null;

  useEffect(() => {
    if (!stage || !buffer) return;
    let pending: LogLine[] = [];
    let frame = 0;
    let unsubscribe: (() => void) | null = null;
    let isEnded = false;
    let isDisposed = false;

    const flush = () => {
      frame = 0;
      const added = buffer.add(pending);
      pending = [];
      if (added) setVersion(buffer.version);
    };
    const open = () => {
      unsubscribe?.();
      setState((current) => (current === 'connecting' ? 'connecting' : 'reconnecting'));
      unsubscribe = subscribe(
        RunLogBatchesDocument,
        { id: runId, stage, afterSeq: Math.max(buffer.lastSeq, pending[pending.length - 1]?.seq ?? 0) },
        {
          next: (data) => {
            setState('live');
            pending.push(...data.workflowRunLogBatches);
            if (!frame) frame = requestAnimationFrame(flush);
          },
          error: (cause) => {
            if (isDisposed) return;
            setError(cause);
            setState('error');
          },
          complete: () => {
            if (isDisposed) return;
            isEnded = true;
            if (frame) cancelAnimationFrame(frame);
            flush();
            setState('ended');
          },
        },
      );
    };

    setVersion(buffer.version);
    setError(null);
    setState(buffer.size ? 'reconnecting' : 'connecting');
    open();
    // A dropped connection: resume after the last line held (the client reconnects with backoff).
    const stopWatching = onConnectionChange((event) => {
      if (isEnded || isDisposed) return;
      if (event === 'closed') {
        setState('reconnecting');
        open();
      }
    });
    return () => {
      isDisposed = true;
      stopWatching();
      unsubscribe?.();
      if (frame) cancelAnimationFrame(frame);
      buffer.add(pending);
    };
  }, [runId, stage, buffer]);

  return { lines: buffer?.lines ?? [], version: buffer?.version ?? 0, state, error };
}
