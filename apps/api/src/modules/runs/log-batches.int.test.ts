import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWorkflow, runWorkflow, sh, waitForRun } from '../../testing/run-helpers.js';
import { type RunsApi, startRunsApi } from '../../testing/runs-api.js';
import type { TestApi } from '../../testing/test-api.js';

type Line = { seq: number; stage: string; line: string };
const BATCHES = `subscription($id: ID!, $stage: String, $after: Int) {
  workflowRunLogBatches(id: $id, stage: $stage, afterSeq: $after) { seq stage line }
}`;

describe('workflowRunLogBatches', () => {
  let runs: RunsApi;
  let api: TestApi;
  let dev: string;
  let viewer: string;
  let outsider: string;

  beforeAll(async () => {
    runs = await startRunsApi('log-batches');
    ({ api, dev, viewer, outsider } = runs);
  });

  afterAll(async () => {
    await runs?.stop();
  });

  /** Every event of one subscription until it completes (or its error). */
  function batchesOf(token: string, variables: Record<string, unknown>): Promise<Line[][]> {
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const batches: Line[][] = [];
    return new Promise<Line[][]>((resolve, reject) => {
      client.subscribe<{ workflowRunLogBatches: Line[] }>(
        { query: BATCHES, variables },
        {
          next: ({ data, errors }) => (errors ? reject(errors) : batches.push(data?.workflowRunLogBatches ?? [])),
          error: reject,
          complete: () => resolve(batches),
        },
      );
    }).finally(() => client.dispose());
  }

  const numbered = (stage: string, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, stage, line: `${stage} ${from + i}` }));

  it('follows a live log in batches: every line once, in order, fewer events than lines, ending with the run', async () => {
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'bursts',
      stages: [
        sh(
          's',
          'for burst in 0 1 2; do for i in $(seq 1 100); do echo "s $((burst * 100 + i))"; done; sleep 0.3; done',
        ),
      ],
    });
    const started = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow: 'bursts' });
    const batches = await batchesOf(viewer, { id: started.id, stage: 's' });
    expect((await waitForRun(api, dev, started.id)).phase).toBe('SUCCEEDED');
    expect(batches.flat()).toEqual(numbered('s', 1, 300));
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    // Three bursts of 100 lines: a line per event would be 300 events.
    expect(batches.length).toBeLessThan(300);
  });

  it('replays stored lines in full batches of 100, of each stage, after afterSeq', async () => {
    await createWorkflow(api, dev, {
      tenant: 'acme',
      project: 'web',
      name: 'long',
      stages: [
        sh('a', 'for i in $(seq 1 1200); do echo "a $i"; done'),
        sh('b', 'for i in $(seq 1 3); do echo "b $i"; done', { dependsOn: ['a'] }),
      ],
    });
    const started = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow: 'long' });
    expect((await waitForRun(api, dev, started.id)).phase).toBe('SUCCEEDED');

    const a = await batchesOf(viewer, { id: started.id, stage: 'a' });
    expect(a.map((batch) => batch.length)).toEqual(Array(12).fill(100));
    expect(a.flat()).toEqual(numbered('a', 1, 1200));

    const all = await batchesOf(viewer, { id: started.id, after: 1 });
    // A page of a (1,000 lines) in batches, then b's, then the rest of a.
    expect(all.map((batch) => [batch[0]?.stage, batch.length])).toEqual([
      ...Array(10).fill(['a', 100]),
      ['b', 2],
      ['a', 100],
      ['a', 99],
    ]);
    expect(all.flat().filter((line) => line.stage === 'a')).toEqual(numbered('a', 2, 1200));
    expect(all.flat().filter((line) => line.stage === 'b')).toEqual(numbered('b', 2, 3));
  });

  it("refuses another tenant's run as not found, and a negative afterSeq as bad input", async () => {
    await createWorkflow(api, dev, { tenant: 'acme', project: 'web', name: 'quiet', stages: [sh('q', 'echo q 1')] });
    const started = await runWorkflow(api, dev, { tenant: 'acme', project: 'web', workflow: 'quiet' });
    await expect(batchesOf(outsider, { id: started.id })).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
    await expect(batchesOf(viewer, { id: started.id, after: -1 })).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'afterSeq' }) }),
    ]);
  });
});
