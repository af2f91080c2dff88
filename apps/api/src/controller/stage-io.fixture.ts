import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestApi } from '../testing/test-api.js';

export const RUN_FIELDS =
  'id phase message stages { name phase attempt message outputs { key value } } artifacts { stage name size sha256 isDirectory downloadUrl }';
const RUN = `mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }`;
const GET = `query($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`;
const LOGS = 'query($id: ID!, $stage: String!) { workflowRunLogs(id: $id, stage: $stage) { line } }';

export interface StageView {
  name: string;
  phase: string;
  attempt: number;
  message: string;
}
export interface ArtifactView {
  stage: string;
  name: string;
  size: number;
  sha256: string;
  isDirectory: boolean;
  downloadUrl: string;
}
export interface RunView {
  id: string;
  phase: string;
  message: string;
  stages: StageView[];
  artifacts: ArtifactView[];
}

export const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'alpine:3.20',
  command: ['sh', '-c'],
  args: [script],
  ...extra,
});

export const stageOf = (run: RunView, name: string) => run.stages.find((s) => s.name === name) as StageView;

/** GraphQL helpers bound to one API, tenant `acme`, project `web`. */
export function runHelpers(api: TestApi, token: () => string) {
  const must = async <T>(query: string, variables: Record<string, unknown>, as = token()) => {
    const result = await api.graphql<T>(query, variables, as);
    expect(result.errors).toBeUndefined();
    return result.data as T;
  };
  return {
    must,
    createWorkflow: (name: string, stages: unknown[], globalVariables: unknown[] = []) =>
      must('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }', {
        input: { tenant: 'acme', project: 'web', name, stages, globalVariables },
      }),
    createResource: (name: string, type: string, parameters: unknown[], integration?: string) =>
      must('mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }', {
        input: { tenant: 'acme', project: 'web', name, type, parameters, integration },
      }),
    start: async (workflow: string, parameters: unknown[] = []) =>
      (
        await must<{ runWorkflow: { id: string } }>(RUN, {
          input: { tenant: 'acme', project: 'web', workflow, parameters },
        })
      ).runWorkflow.id,
    waitEnd: async (id: string, timeoutMs = 25_000): Promise<RunView> => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const run = (await must<{ workflowRun: RunView }>(GET, { id })).workflowRun;
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.phase)) return run;
        if (Date.now() > until) throw new Error(`run did not finish: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    logs: async (id: string, stage: string) =>
      (await must<{ workflowRunLogs: { line: string }[] }>(LOGS, { id, stage })).workflowRunLogs.map((l) => l.line),
  };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=dev@acme.test', '-c', 'user.name=dev', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

/**
 * A bare repository with branch main (two commits: version.txt "one", then "two"),
 * tag v1 on the first commit and branch feature ("feature"). Returns its folder and
 * the SHA of the first commit.
 */
export function createGitRepository(): { bare: string; firstSha: string } {
  const root = mkdtempSync(join(tmpdir(), 'cyclone-git-'));
  const bare = join(root, 'repo.git');
  const work = join(root, 'work');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  writeFileSync(join(work, 'version.txt'), 'one\n');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'first');
  const firstSha = git(work, 'rev-parse', 'HEAD');
  git(work, 'tag', 'v1');
  writeFileSync(join(work, 'version.txt'), 'two\n');
  git(work, 'commit', '-q', '-am', 'second');
  git(work, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(work, 'version.txt'), 'feature\n');
  git(work, 'commit', '-q', '-am', 'feature');
  git(work, 'push', '-q', bare, 'main', 'feature', 'v1');
  return { bare, firstSha };
}
