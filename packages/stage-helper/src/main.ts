#!/usr/bin/env node
// cyclone-stage-helper: the helper of a stage pod (Kubernetes executor).
//   sidecar  ships the workload's log lines and outputs to the Cyclone API
//   inputs   places the stage's resources in the run workspace before the workload starts
import { join } from 'node:path';
import { DEFAULT_OUTPUT_LIMITS } from '@cyclone/domain/core';
import { runInputs } from './inputs.js';
import { runSidecar } from './sidecar.js';

const HELPER_DIR = '/cyclone';
const WORKSPACE = '/workspace';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A positive byte count from the environment (set by the API on the pod), else `fallback`. */
function bytes(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

async function main(command: string | undefined): Promise<void> {
  if (command === 'sidecar') {
    const stop = { isStopping: false };
    process.on('SIGTERM', () => {
      stop.isStopping = true;
    });
    await runSidecar(
      {
        apiUrl: required('CYCLONE_API_URL'),
        token: required('CYCLONE_STAGE_TOKEN'),
        firstSeq: Number(process.env.CYCLONE_FIRST_SEQ ?? '1'),
        secrets: JSON.parse(process.env.CYCLONE_MASK ?? '[]') as string[],
        dir: HELPER_DIR,
        resultsFile: process.env.CYCLONE_RESULTS ?? join(HELPER_DIR, 'results'),
        outputArtifacts: JSON.parse(process.env.CYCLONE_OUTPUT_ARTIFACTS ?? '[]'),
        workspace: WORKSPACE,
        httpPushes: JSON.parse(process.env.CYCLONE_HTTP_PUSHES ?? '[]'),
        notifyDir: process.env.CYCLONE_NOTIFY_DIR || undefined,
        limits: {
          maxLineBytes: bytes('CYCLONE_LOG_LINE_MAX_BYTES', DEFAULT_OUTPUT_LIMITS.maxLineBytes),
          maxLogBytes: bytes('CYCLONE_LOG_MAX_BYTES', DEFAULT_OUTPUT_LIMITS.maxLogBytes),
          maxResultsBytes: bytes('CYCLONE_RESULTS_MAX_BYTES', DEFAULT_OUTPUT_LIMITS.maxResultsBytes),
        },
      },
      stop,
    );
    // Push containers still run: a native sidecar that exits is started again, so it waits to be stopped.
    if (process.env.CYCLONE_NOTIFY_DIR) {
      while (!stop.isStopping) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return;
  }
  if (command === 'inputs') {
    await runInputs(JSON.parse(required('CYCLONE_INPUTS')), process.env, join(HELPER_DIR, 'stdout'), WORKSPACE);
    return;
  }
  throw new Error(`usage: cyclone-stage-helper sidecar|inputs (got "${command ?? ''}")`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`cyclone-stage-helper: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
