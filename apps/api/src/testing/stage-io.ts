// Fixtures of the stage input/output tests: shell stages, GraphQL helpers bound to one
// API, token and project, and a git repository to pull from.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ArtifactView,
  createWorkflow,
  logLines,
  must,
  type RunView,
  runWorkflow,
  type StageView,
  sh,
  stageOf,
  waitForRun,
} from './run-helpers.js';
import type { TestApi } from './test-api.js';

export { type ArtifactView, type RunView, type StageView, sh, stageOf };

/** GraphQL helpers bound to one API and one project (by default tenant `acme`, project `web`). */
export function runHelpers(api: TestApi, token: () => string, scope = { tenant: 'acme', project: 'web' }) {
  return {
    must: <T>(query: string, variables: Record<string, unknown>, as = token()) => must<T>(api, as, query, variables),
    createWorkflow: (name: string, stages: unknown[], globalVariables: unknown[] = []) =>
      createWorkflow(api, token(), { ...scope, name, stages, globalVariables }),
    createResource: (name: string, type: string, parameters: unknown[], integration?: string) =>
      must(api, token(), 'mutation($input: CreateResourceInput!) { createResource(input: $input) { name } }', {
        input: { ...scope, name, type, parameters, integration },
      }),
    start: async (workflow: string, parameters: unknown[] = []) =>
      (await runWorkflow(api, token(), { ...scope, workflow, parameters })).id,
    waitEnd: (id: string, timeoutMs = 25_000): Promise<RunView> => waitForRun(api, token(), id, { timeoutMs }),
    logs: (id: string, stage: string) => logLines(api, token(), id, stage),
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

/**
 * Cyclone YAML of a one-stage workflow (a Stage and a Workflow of the same name) running
 * `script` with `sh -c`: for what GraphQL's workflow input does not take (an output
 * resource's path).
 */
export function oneStageWorkflowYaml(
  name: string,
  script: string,
  options: { image?: string; inputs?: object[]; outputs?: object[] } = {},
): string {
  return `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: ${name}}
spec:
  pod:
    inputs:
      resources: ${JSON.stringify(options.inputs ?? [])}
    outputs:
      resources: ${JSON.stringify(options.outputs ?? [])}
    spec:
      containers: [{image: ${JSON.stringify(options.image ?? 'alpine:3.20')}, command: [sh, -c, ${JSON.stringify(script)}]}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ${name}}
spec:
  stages: [{name: ${name}}]
`;
}
