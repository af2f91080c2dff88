import { type Document, documentText, type LogLine, RunLogBatchesDocument } from '@cyclone/api-contract';
import { FollowRunDocument, type RunSnapshot } from './documents.js';
import { describeSubscriptionError, isRetryable } from './subscription-errors.js';
import type { OpenSession, Sink, SubscriptionSession } from './subscriptions.js';

export type { LogLine } from '@cyclone/api-contract';
export type { RunSnapshot, StageSnapshot } from './documents.js';

/** Subscribes to a typed document on a session; its events are typed from it. */
function subscribeTo<TData, TVariables>(
  session: SubscriptionSession,
  document: Document<TData, TVariables>,
  variables: TVariables,
  sink: Sink<TData>,
): void {
  session.subscribe<TData>(documentText(document).query, variables as Record<string, unknown>, sink);
}

export interface FollowOptions {
  runId: string;
  server: string;
  openSession: OpenSession;
  /** Only this stage's lines; every stage's when absent. */
  stage?: string;
  /** Stages known up front (from the run), so that a resume never skips an unseen one. */
  stages: readonly string[];
  onLine(line: LogLine): void;
  onRun(run: RunSnapshot): void;
  onReconnect?(attempt: number, error: unknown): void;
  /** Consecutive failed connections before giving up. */
  maxReconnects?: number;
  reconnectDelayMs?(attempt: number): number;
}

/**
 * Follows a run until it ends: its log lines (all stages or one) and its phase
 * changes, over graphql-ws. Both subscriptions complete when the run has ended
 * and every line was sent. When the connection drops, it reconnects and resumes
 * the logs after the last seq printed per stage; lines seen already are dropped,
 * so nothing is missed and nothing is printed twice. Returns the last run state.
 */
export async function followRun(options: FollowOptions): Promise<RunSnapshot | undefined> {
  const lastSeq = new Map<string, number>();
  const known = new Set(options.stage ? [options.stage] : options.stages);
  const maxReconnects = options.maxReconnects ?? 8;
  const delay = options.reconnectDelayMs ?? ((n: number) => Math.min(500 * 2 ** (n - 1), 5_000));
  let latest: RunSnapshot | undefined;
  let isLogsDone = false;
  let isUpdatesDone = false;
  let failures = 0;

  // All stages share one afterSeq in the subscription: resume from the smallest, drop what was seen.
  const resumeAfter = () => (known.size === 0 ? 0 : Math.min(...[...known].map((s) => lastSeq.get(s) ?? 0)));

  while (!isLogsDone || !isUpdatesDone) {
    const session = options.openSession();
    const outcome = await new Promise<{ error?: unknown }>((resolve) => {
      let open = 0;
      const done = () => {
        open -= 1;
        if (open === 0) resolve({});
      };
      if (!isLogsDone) {
        open += 1;
        subscribeTo(
          session,
          RunLogBatchesDocument,
          { id: options.runId, stage: options.stage ?? null, afterSeq: resumeAfter() },
          {
            next: ({ workflowRunLogBatches: lines }) => {
              failures = 0;
              for (const line of lines) {
                known.add(line.stage);
                if (line.seq <= (lastSeq.get(line.stage) ?? 0)) continue;
                lastSeq.set(line.stage, line.seq);
                options.onLine(line);
              }
            },
            error: (error) => resolve({ error }),
            complete: () => {
              isLogsDone = true;
              done();
            },
          },
        );
      }
      if (!isUpdatesDone) {
        open += 1;
        subscribeTo(
          session,
          FollowRunDocument,
          { id: options.runId },
          {
            next: ({ workflowRunUpdated: run }) => {
              failures = 0;
              if (!options.stage) for (const stage of run.stages) known.add(stage.name);
              latest = run;
              options.onRun(run);
            },
            error: (error) => resolve({ error }),
            complete: () => {
              isUpdatesDone = true;
              done();
            },
          },
        );
      }
    });
    await session.close().catch(() => undefined);
    if (!('error' in outcome) || outcome.error === undefined) continue;
    failures += 1;
    if (!isRetryable(outcome.error) || failures > maxReconnects) {
      throw describeSubscriptionError(options.server, outcome.error);
    }
    options.onReconnect?.(failures, outcome.error);
    await new Promise((resolve) => setTimeout(resolve, delay(failures)));
  }
  return latest;
}
