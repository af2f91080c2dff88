import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// The bench package has no WebSocket client of its own: borrow the API's.
const apiRequire = createRequire(resolve(import.meta.dirname, '..', '..', 'apps', 'api', 'package.json'));
type Line = { line: string };
interface LogSink {
  next(message: { data?: { workflowRunLogs?: Line; workflowRunLogBatches?: Line[] } | null }): void;
  error(error: unknown): void;
  complete(): void;
}
interface WsClient {
  subscribe(payload: { query: string; variables: object }, sink: LogSink): () => void;
  dispose(): void;
}
const { createClient } = apiRequire('graphql-ws') as { createClient(options: object): WsClient };
const WebSocket = apiRequire('ws') as unknown;

/** How a follower subscribes: in batches, as the web and the CLI do, or line by line (`workflowRunLogs`). */
export type LogSubscription = 'batches' | 'lines';
const QUERIES: Record<LogSubscription, string> = {
  batches: 'subscription($id: ID!, $stage: String!) { workflowRunLogBatches(id: $id, stage: $stage) { line } }',
  lines: 'subscription($id: ID!, $stage: String!) { workflowRunLogs(id: $id, stage: $stage) { line } }',
};

/**
 * Follows one stage's log of a run on a WebSocket of its own (graphql-ws), calling
 * `onLine` with each line as it arrives; settles when the subscription completes
 * (the stage ended and its log was sent) and fails with its error.
 */
export function followStageLog(
  target: { apiUrl: string; token: string; runId: string; stage: string; subscription?: LogSubscription },
  onLine: (line: string) => void,
): Promise<void> {
  const client = createClient({
    url: `${target.apiUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${target.token}` },
    retryAttempts: 0,
  });
  return new Promise<void>((done, fail) => {
    client.subscribe(
      {
        query: QUERIES[target.subscription ?? 'batches'],
        variables: { id: target.runId, stage: target.stage },
      },
      {
        next: ({ data }) => {
          for (const { line } of data?.workflowRunLogBatches ?? []) onLine(line);
          if (data?.workflowRunLogs) onLine(data.workflowRunLogs.line);
        },
        error: (error) => {
          client.dispose();
          fail(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          client.dispose();
          done();
        },
      },
    );
  });
}
