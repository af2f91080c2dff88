// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { createGitRepository, runHelpers, sh, stageOf } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }';
const SECRET = 'Sup3r-S3cret-Value-42';
const OTHER_SECRET = 'other-tenant-secret-99';

describe('stage inputs: run parameters, Git and KV resources, secrets', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let admin: string;
  let dev: string;
  let repo: ReturnType<typeof createGitRepository>;
  let h: ReturnType<typeof runHelpers>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-inputs-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    await seedTenant(api, admin, 'globex', { projects: ['web'] });
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
    repo = createGitRepository();
    const integration = (tenant: string, name: string, token: string) =>
      h.must(
        CREATE_INTEGRATION,
        { input: { tenant, name, type: 'GENERAL', config: {}, secret: { token, note: 'multi\nline' } } },
        admin,
      );
    await integration('acme', 'vault', SECRET);
    await integration('globex', 'foreign', OTHER_SECRET);
    await h.createResource('src', 'GIT', [
      { name: 'SCM_URL', value: `file://${repo.bare}` },
      { name: 'SCM_REVISION', value: 'main' },
    ]);
    await h.createResource('settings', 'KV', [
      { name: 'MODE', value: 'dev' },
      { name: 'REGION', value: 'eu' },
    ]);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (repo) rmSync(join(repo.bare, '..'), { recursive: true, force: true });
  });

  it('clones a Git resource once per run for two stages starting together; KV parameters become env', async () => {
    const reader = (name: string, path: string) =>
      sh(name, `cat version.txt; echo "mode=$MODE region=$REGION"; pwd`, {
        workingDir: path,
        inputs: {
          resources: [
            { name: 'src', path },
            { name: 'settings', path: 'unused' },
          ],
        },
      });
    await h.createWorkflow('clone', [reader('left', '/workspace/src'), reader('right', 'code')]);
    const id = await h.start('clone');
    const run = await h.waitEnd(id);
    expect(run.phase).toBe('SUCCEEDED');
    const left = await h.logs(id, 'left');
    const right = await h.logs(id, 'right');
    for (const lines of [left, right]) {
      expect(lines, lines.join('\n')).toContain('two');
      expect(lines).toContain('mode=dev region=eu');
    }
    // In the sandbox the run workspace is /workspace, as in a stage pod: `/workspace/src` and `code` are both in it.
    expect(left.at(-1)).toBe('/workspace/src');
    expect(right.at(-1)).toBe('/workspace/code');
    const pulls = [...left, ...right].filter((line) => line.startsWith('[cyclone] pulling Git resource "src"'));
    expect(pulls).toHaveLength(1);
    expect([...left, ...right].filter((line) => line.includes('is already pulled'))).toHaveLength(1);
  });

  it('applies run parameters: resources.<name>.<PARAM> and stages.<stage>.<arg>', async () => {
    await h.createWorkflow('params', [
      sh('show', 'cat src/version.txt; echo "mode=$MODE greeting=$GREETING"', {
        env: [{ name: 'GREETING', value: 'hello' }],
        inputs: {
          resources: [
            { name: 'src', path: 'src' },
            { name: 'settings', path: 'kv' },
          ],
        },
      }),
      sh('other', 'echo "greeting=${GREETING:-none}"'),
    ]);
    const byTag = await h.start('params', [
      { name: 'resources.src.SCM_REVISION', value: 'v1' },
      { name: 'resources.settings.MODE', value: 'prod' },
      { name: 'stages.show.GREETING', value: 'bonjour' },
    ]);
    expect((await h.waitEnd(byTag)).phase).toBe('SUCCEEDED');
    expect(await h.logs(byTag, 'show')).toEqual(expect.arrayContaining(['one', 'mode=prod greeting=bonjour']));
    expect(await h.logs(byTag, 'other')).toEqual(['greeting=none']);

    const bySha = await h.start('params', [{ name: 'resources.src.SCM_REVISION', value: repo.firstSha }]);
    expect((await h.waitEnd(bySha)).phase).toBe('SUCCEEDED');
    expect(await h.logs(bySha, 'show')).toEqual(expect.arrayContaining(['one', 'mode=dev greeting=hello']));
    const byBranch = await h.start('params', [{ name: 'resources.src.SCM_REVISION', value: 'feature' }]);
    expect((await h.waitEnd(byBranch)).phase).toBe('SUCCEEDED');
    expect(await h.logs(byBranch, 'show')).toContain('feature');
  });

  it('fills {{ argument }} placeholders of a stage document with its arguments and stage parameters', async () => {
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: greet}
spec:
  pod:
    inputs:
      arguments:
      - {name: WHO, value: world}
      - {name: PUNCT, value: "!"}
    spec:
      containers:
      - name: main
        image: alpine
        command: [sh, -c, "echo 'hello {{ WHO }}{{{ PUNCT }}}'; echo '{{ .Untouched }}'"]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: greeting}
spec:
  stages:
  - name: greet
`;
    await h.must('mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { name } }', {
      input: { tenant: 'acme', project: 'web', yaml },
    });
    const plain = await h.start('greeting');
    expect((await h.waitEnd(plain)).phase).toBe('SUCCEEDED');
    expect(await h.logs(plain, 'greet')).toEqual(['hello world!', '{{ .Untouched }}']);
    const given = await h.start('greeting', [{ name: 'stages.greet.WHO', value: 'Cyclone' }]);
    expect((await h.waitEnd(given)).phase).toBe('SUCCEEDED');
    expect(await h.logs(given, 'greet')).toEqual(['hello Cyclone!', '{{ .Untouched }}']);
  });

  it('a revision that does not exist fails the stage with the clone output in its log', async () => {
    await h.createWorkflow('bad-revision', [
      sh('show', 'cat src/version.txt', { inputs: { resources: [{ name: 'src', path: 'src' }] } }),
    ]);
    const id = await h.start('bad-revision', [{ name: 'resources.src.SCM_REVISION', value: 'no-such-branch' }]);
    const run = await h.waitEnd(id);
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'show').message).toMatch(/^inputs: resource "src": git fetch failed \(exit code \d+\)/);
    expect((await h.logs(id, 'show')).join('\n')).toContain('no-such-branch');
  });

  it('resolves ${secrets.INTEGRATION.FIELD} in command, env and global variables and masks every value', async () => {
    await h.createWorkflow(
      'secret-use',
      [
        sh(
          'use',
          'echo "cmd=${secrets.vault.token}"; echo "env=$TOKEN"; echo "var=${variables.FROM_VAR}"; printf "%s" "$NOTE"; echo; printf "%s" "$(echo "$TOKEN" | cut -c1-8)"; sleep 0.3; echo "$TOKEN" | cut -c9-',
          {
            env: [
              { name: 'TOKEN', value: '${secrets.vault.token}' },
              { name: 'NOTE', value: '${secrets.vault.note}' },
            ],
          },
        ),
      ],
      [{ name: 'FROM_VAR', value: 'v-${secrets.vault.token}' }],
    );
    const id = await h.start('secret-use');
    const run = await h.waitEnd(id);
    expect(run.phase).toBe('SUCCEEDED');
    expect(await h.logs(id, 'use')).toEqual([
      'cmd=***',
      'env=***',
      'var=v-***',
      '***',
      '***',
      // Written in two chunks 300 ms apart: masked once the line is whole.
      '***',
    ]);
    const leaked = await db.logLine.count({
      where: { OR: [{ text: { contains: SECRET } }, { text: { contains: 'multi' } }] },
    });
    expect(leaked).toBe(0);
  });

  it("masks a secret's value in the stage's outputs, as in its log", async () => {
    await h.createWorkflow('secret-output', [
      sh(
        'leak',
        'echo "token:$TOKEN" >> "$CYCLONE_RESULTS"; echo "url:https://ci:$TOKEN@git.example" >> "$CYCLONE_RESULTS"; echo "plain:ok" >> "$CYCLONE_RESULTS"',
        {
          env: [{ name: 'TOKEN', value: '${secrets.vault.token}' }],
        },
      ),
    ]);
    const run = await h.waitEnd(await h.start('secret-output'));
    expect(run.phase).toBe('SUCCEEDED');
    expect(stageOf(run, 'leak').outputs).toEqual([
      { key: 'token', value: '***' },
      { key: 'url', value: 'https://ci:***@git.example' },
      { key: 'plain', value: 'ok' },
    ]);
    const stored = await db.stageRun.findMany({ where: { runId: run.id } });
    expect(JSON.stringify(stored.map((row) => [row.outputs, row.message]))).not.toContain(SECRET);
  });

  it('fails a stage naming an unknown or foreign integration or field, leaking no value', async () => {
    await h.createWorkflow('secret-bad', [
      sh('unknown', 'echo ${secrets.nope.token}'),
      sh('foreign', 'echo ${secrets.foreign.token}'),
      sh('field', 'echo ${secrets.vault.password}'),
    ]);
    const run = await h.waitEnd(await h.start('secret-bad'));
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'unknown').message).toBe(
      'unknown reference ${secrets.nope.token}: no integration "nope" in this tenant',
    );
    expect(stageOf(run, 'foreign').message).toBe(
      'unknown reference ${secrets.foreign.token}: no integration "foreign" in this tenant',
    );
    expect(stageOf(run, 'field').message).toBe(
      'unknown reference ${secrets.vault.password}: integration "vault" has no secret field "password"',
    );
    expect(stageOf(run, 'field').attempt).toBe(1);
    const leaked = await db.logLine.count({ where: { text: { contains: OTHER_SECRET } } });
    expect(leaked).toBe(0);
  });
});
