import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, runWorkflow, sh, stageOf, waitForRun } from '../../../apps/api/src/testing/run-helpers.js';
import { seedTenant } from '../../../apps/api/src/testing/seed.js';
import { startTestApi, TEST_ADMIN, type TestApi } from '../../../apps/api/src/testing/test-api.js';
import { cli, ensureBuilt, FIXTURES, startCli } from './cli-harness.js';

const RUN_PHASE = 'query($id: ID!) { workflowRun(id: $id) { phase stages { name phase } } }';

/** A TCP proxy in front of the API whose open connections can be cut, to drop the CLI's WebSocket. */
async function startProxy(target: URL): Promise<{ url: string; cut(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return count;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A string matched literally inside a RegExp. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A port nothing listens on (just released by the OS). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('cyclone CLI against a real API', () => {
  let api: TestApi;
  let admin: string;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'cyclone-cli-'));
    // As root, stages run as cyclone-stage, who must be able to enter the data folder's parents.
    chmodSync(home, 0o755);
    api = await startTestApi({ CYCLONE_DATA_DIR: join(home, 'data') });
    admin = await api.loginAsAdmin();
    // `folders` keeps the folder tests' workflows out of the listings of `web`; `stops` the stop test's.
    await seedTenant(api, admin, 'acme', { projects: ['web', 'folders', 'stops'] });
    env = { CYCLONE_CONFIG: join(home, 'config', 'config.json') };
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const phaseOf = async (id: string) =>
    (
      await api.graphql<{ workflowRun: { phase: string; stages: { name: string; phase: string }[] } }>(
        RUN_PHASE,
        { id },
        admin,
      )
    ).data?.workflowRun;

  it('logs in and keeps server, token and defaults in a file only the user can read', async () => {
    const result = await cli(
      [
        'login',
        '--server',
        api.url,
        '--email',
        TEST_ADMIN.email,
        '--password-stdin',
        '--tenant',
        'acme',
        '--project',
        'web',
      ],
      env,
      `${TEST_ADMIN.password}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Signed in to ${api.url} as ${TEST_ADMIN.email}`);
    const file = env.CYCLONE_CONFIG as string;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'config')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ server: api.url, tenant: 'acme', project: 'web' });
    const me = await api.graphql<{ me: { email: string } }>('query { me { email } }', {}, saved.token);
    expect(me.data?.me.email).toBe(TEST_ADMIN.email);

    const set = await cli(['config', 'set', 'project', 'mobile'], env);
    expect(set.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...saved, project: 'mobile' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const shown = await cli(['config', 'show', '--project', 'web'], env);
    expect(shown.stdout).toContain('project: mobile\n');
    expect(shown.stdout).not.toContain(saved.token);
    await cli(['config', 'set', 'project', 'web'], env);
  });

  it('refuses a wrong password with the API message and exit code 1', async () => {
    const result = await cli(['login', '--server', api.url, '--email', TEST_ADMIN.email, '--password', 'nope'], {
      CYCLONE_CONFIG: join(home, 'other.json'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cyclone: sign-in refused: /);
  });

  it('applies Cyclone YAML and says what changed', async () => {
    const first = await cli(['apply', '-f', join(FIXTURES, 'pipelines.yaml')], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Stage/greet created\n');
    expect(first.stdout).toContain('Workflow/hello created\n');
    const again = await cli(['apply', '-f', '-'], env, readFileSync(join(FIXTURES, 'pipelines.yaml'), 'utf8'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Workflow/hello unchanged\n');
    expect(again.stdout).not.toContain('created');
  });

  it('reports an apply problem with its code and field, and changes nothing', async () => {
    const result = await cli(['apply', '-f', join(FIXTURES, 'cycle.yaml')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('BAD_USER_INPUT: documents[2].spec.stages[0].depends: stages form a cycle');
    const workflow = await api.graphql<{ workflow: unknown }>(
      'query { workflow(tenant: "acme", project: "web", name: "loop") { name } }',
      {},
      admin,
    );
    expect(workflow.data?.workflow ?? null).toBeNull();
  });

  it('lists workflows as JSON and as an aligned table', async () => {
    const json = await cli(['get', 'workflows', '-o', 'json'], env);
    expect(json.code).toBe(0);
    const workflows = JSON.parse(json.stdout) as { name: string; version: number; stages: { name: string }[] }[];
    expect(workflows.map((w) => w.name).sort()).toEqual(['broken', 'hello', 'sleepy', 'ticking']);
    expect(workflows.find((w) => w.name === 'hello')).toMatchObject({
      version: 1,
      stages: [{ name: 'greet' }, { name: 'check' }],
    });

    const one = await cli(['get', 'workflows', 'hello', '-o', 'yaml', '--project', 'web'], env);
    expect(one.stdout).toMatch(/^- name: hello\n {2}version: 1\n/);

    const table = await cli(['get', 'workflows'], env);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME {3,}VERSION {3}STAGES {3}LAST RUN {3}UPDATED$/);
    const hello = rows.find((r) => r.startsWith('hello '));
    expect(hello?.slice(header?.indexOf('VERSION')).startsWith('1   ')).toBe(true);
  });

  it('registers a resource type with apply and lists it after the built-ins', async () => {
    const applied = await cli(['apply', '-f', join(FIXTURES, 'resource-types.yaml')], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('Resource/resource-type-artifactory (resource type) created');
    expect(applied.stdout).toContain('Resource/libs created');
    const table = await cli(['get', 'resourcetypes'], env);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TYPE +BUILT IN +OPERATIONS +RESOLVER +PARAMETERS +BINDS$/);
    expect(rows.map((r) => r.split(/ +/)[0])).toEqual(['Git', 'Svn', 'Image', 'KV', 'General', 'Http', 'Artifactory']);
    expect(rows.at(-1)).toMatch(
      /^Artifactory +no +pull,push +registry\.example\.com\/resolvers\/artifactory:v1 +REPO_URL\*,API_KEY +-$/,
    );
    const one = await cli(['get', 'resourcetypes', 'Http', '-o', 'json'], env);
    expect(JSON.parse(one.stdout)).toMatchObject([{ type: 'Http', builtin: true, operations: ['push'] }]);
    const none = await cli(['get', 'resourcetypes', 'Maven'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no resource type "Maven" in tenant "acme"');
  });

  let helloRun = '';
  let brokenRun = '';

  it('follows a succeeding run to the end: stage-prefixed lines, phase changes, exit 0', async () => {
    const result = await cli(['run', 'hello', '--follow'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    helloRun = /started: (\S+)/.exec(result.stdout)?.[1] ?? '';
    expect(result.stdout).toMatch(/^greet \| hello from greet$/m);
    expect(result.stdout).toMatch(/^check \| checked hi$/m);
    expect(result.stdout).toMatch(/==> stage greet SUCCEEDED \(in \S+, exit 0\)/);
    expect(result.stdout).toMatch(/==> run #1 of hello SUCCEEDED/);
    expect(result.stdout.indexOf('hello from greet')).toBeLessThan(result.stdout.indexOf('checked hi'));
    expect((await phaseOf(helloRun))?.phase).toBe('SUCCEEDED');
  });

  it('follows a failing run and exits 1', async () => {
    const result = await cli(['run', 'broken', '--follow', '--param', 'REASON=test'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^boom {2}\| about to fail$/m);
    expect(result.stdout).toMatch(/==> stage boom FAILED \(.*exit 3/);
    expect(result.stderr).toMatch(/run #1 of broken FAILED/);
    brokenRun = /started: (\S+)/.exec(result.stdout)?.[1] ?? '';
  });

  it('retries a run from a stage as a new run, followed to its end', async () => {
    const result = await cli(['retry', brokenRun, '--from-stage', 'boom', '--follow'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^run #2 of broken started: \S+$/m);
    expect(result.stdout).toMatch(/^boom {2}\| about to fail$/m);
    expect(result.stdout).not.toContain('hello from greet');
    expect(result.stderr).toMatch(/run #2 of broken FAILED/);
  });

  it('prints the stored logs of a run, and lists runs', async () => {
    const logs = await cli(['logs', helloRun], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('greet | hello from greet\ncheck | checked hi\n');
    const greetOnly = await cli(['logs', helloRun, '--stage', 'greet'], env);
    expect(greetOnly.stdout).toBe('greet | hello from greet\n');
    const followed = await cli(['logs', helloRun, '--follow'], env);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('greet | hello from greet\n');

    const runs = await cli(['get', 'runs', 'hello', '-o', 'json'], env);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ id: helloRun, number: 1, phase: 'SUCCEEDED' }]);
    const all = await cli(['get', 'runs'], env);
    expect(all.stdout.split('\n')[0]).toMatch(/^RUN +WORKFLOW +NUMBER +PHASE +STARTED +DURATION$/);
    expect(all.stdout).toMatch(new RegExp(`${helloRun} +hello +#1 +SUCCEEDED`));
    expect(all.stdout).toMatch(/broken +#1 +FAILED/);
  });

  it('stops a long run', async () => {
    const started = await cli(['run', 'sleepy'], env);
    expect(started.code).toBe(0);
    const id = /started: (\S+)/.exec(started.stdout)?.[1] ?? '';
    const follower = startCli(['logs', id, '--follow'], env);
    await follower.waitFor(/nap \| napping/);
    const paused = await cli(['pause', id], env);
    expect(paused.stdout).toMatch(/^run #1 of sleepy: \w+ \(paused\)$/m);
    const resumed = await cli(['resume', id], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toContain('paused');
    const stopped = await cli(['stop', id], env);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^run #1 of sleepy: (CANCELLED|RUNNING)/);
    const followed = await follower.result;
    expect(followed.code).toBe(1);
    expect(followed.stderr).toContain('run #1 of sleepy CANCELLED');
    expect((await phaseOf(id))?.phase).toBe('CANCELLED');
  });

  it('says a stopped run waits for its finally stages, and a second stop kills them', async () => {
    // In a project of its own, so the listings of the other tests stay as they are.
    const scope = { tenant: 'acme', project: 'stops' };
    await createWorkflow(api, admin, {
      ...scope,
      name: 'lingering',
      stages: [sh('work', 'exec sleep 60'), sh('linger', 'exec sleep 60', { finally: true })],
    });
    const { id } = await runWorkflow(api, admin, { ...scope, workflow: 'lingering' });
    await waitForRun(api, admin, id, { until: (r) => stageOf(r, 'work').phase === 'RUNNING', what: 'work to run' });
    const first = await cli(['stop', id], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('run #1 of lingering: RUNNING (stopping: finally stages run; stop again to kill them)\n');
    await waitForRun(api, admin, id, { until: (r) => stageOf(r, 'linger').phase === 'RUNNING', what: 'linger to run' });
    const second = await cli(['stop', id], env);
    expect(second.code).toBe(0);
    const ended = await waitForRun(api, admin, id);
    expect(ended).toMatchObject({ phase: 'CANCELLED', message: 'stopped' });
    expect(stageOf(ended, 'linger').phase).toBe('CANCELLED');
  });

  it('approves and rejects approval stages: inputs, comments, the API refusal and the usage error', async () => {
    const scope = { tenant: 'acme', project: 'stops' };
    const gated = (name: string) =>
      createWorkflow(api, admin, {
        ...scope,
        name,
        stages: [
          { name: 'gate', approval: { count: 1, inputs: [{ name: 'version', required: true }] } },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference.
          sh('deploy', 'echo "deploying ${stages.gate.outputs.version}"', { dependsOn: ['gate'] }),
        ],
      });
    await gated('gated');
    await gated('vetoed');
    const waiting = async (workflow: string) => {
      const { id } = await runWorkflow(api, admin, { ...scope, workflow });
      await waitForRun(api, admin, id, {
        until: (r) => stageOf(r, 'gate').phase === 'WAITING',
        what: 'the gate to wait',
      });
      return id;
    };
    const approved = await waiting('gated');
    const missing = await cli(['approve', approved, '--stage', 'gate'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"version" is required');
    const approve = await cli(
      ['approve', approved, '--stage', 'gate', '-i', 'version=2.0', '--comment', 'ship it'],
      env,
    );
    expect(approve).toMatchObject({ code: 0, stdout: 'stage gate of run #1 of gated: approved\n' });
    const ended = await waitForRun(api, admin, approved);
    expect(ended).toMatchObject({ phase: 'SUCCEEDED' });
    expect(stageOf(ended, 'gate').outputs).toEqual([{ key: 'version', value: '2.0' }]);

    const rejected = await waiting('vetoed');
    const usage = await cli(['reject', rejected], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --stage');
    const reject = await cli(['reject', rejected, '--stage', 'gate', '--comment', 'not today'], env);
    expect(reject).toMatchObject({ code: 0, stdout: 'stage gate of run #1 of vetoed: rejected\n' });
    expect(await waitForRun(api, admin, rejected)).toMatchObject({ phase: 'FAILED' });
    const again = await cli(['reject', rejected, '--stage', 'gate'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not waiting for a decision');
  });

  it('completes a delegated stage that waits for its external system; usage and API refusals', async () => {
    const scope = { tenant: 'acme', project: 'stops' };
    // The external system: takes the hand-over and never calls back.
    const receiver = createHttpServer((req, res) => req.resume().on('end', () => res.writeHead(202).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/job`;
      await createWorkflow(api, admin, {
        ...scope,
        name: 'handed-over',
        stages: [
          { name: 'jenkins', delegation: { type: 'Jenkins', url } },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference.
          sh('deploy', 'echo "deploying ${stages.jenkins.outputs.version}"', { dependsOn: ['jenkins'] }),
        ],
      });
      const { id } = await runWorkflow(api, admin, { ...scope, workflow: 'handed-over' });
      await waitForRun(api, admin, id, {
        until: (r) => stageOf(r, 'jenkins').phase === 'WAITING',
        what: 'the hand-over',
      });
      const usage = await cli(['complete', id, '--stage', 'jenkins', '--phase', 'DONE'], env);
      expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('--phase must be SUCCEEDED or FAILED') });
      const done = await cli(['complete', id, '--stage', 'jenkins', '--phase', 'succeeded', '-o', 'version=3.1'], env);
      expect(done).toMatchObject({ code: 0, stdout: 'stage jenkins of run #1 of handed-over: SUCCEEDED\n' });
      const ended = await waitForRun(api, admin, id);
      expect(ended.phase).toBe('SUCCEEDED');
      expect(stageOf(ended, 'jenkins').outputs).toEqual([{ key: 'version', value: '3.1' }]);
      const again = await cli(['complete', id, '--stage', 'jenkins', '--phase', 'FAILED'], env);
      expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('is not waiting for its delegation') });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('resumes after a dropped connection without missing or repeating a line', async () => {
    const proxy = await startProxy(new URL(api.url));
    try {
      const follower = startCli(['run', 'ticking', '--follow'], { ...env, CYCLONE_SERVER: proxy.url });
      await follower.waitFor(/tick 3\n/);
      expect(proxy.cut()).toBeGreaterThan(0);
      const result = await follower.result;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/connection to .* lost; reconnecting/);
      const ticks = result.stdout.split('\n').filter((l) => l.startsWith('ticker | '));
      expect(ticks).toEqual(Array.from({ length: 30 }, (_, i) => `ticker | tick ${i + 1}`));
    } finally {
      await proxy.close();
    }
  });

  it('validates offline: a cycle is named with its document and field, exit 1', async () => {
    const bad = await cli(['validate', '-f', join(FIXTURES, 'cycle.yaml')], {
      CYCLONE_CONFIG: join(home, 'none.json'),
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'error: documents[2].spec.stages[0].depends (Workflow/loop): stages form a cycle: lint → test → lint',
    );
    const good = await cli(['validate', '-f', join(FIXTURES, 'pipelines.yaml')], {});
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('valid');
  });

  it('explains a bad token, an unreachable server and a usage error', async () => {
    const forged = await cli(['get', 'workflows'], { ...env, CYCLONE_TOKEN: 'cyc_s_forged' });
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^cyclone: your token is invalid or expired: run cyclone login/);

    const forgedFollow = await cli(['logs', helloRun, '--follow'], { ...env, CYCLONE_TOKEN: 'cyc_s_forged' });
    expect(forgedFollow.code).toBe(1);
    expect(forgedFollow.stderr).toContain('your token is invalid or expired: run cyclone login');

    const closed = await freePort();
    const down = await cli(['get', 'runs'], { ...env, CYCLONE_SERVER: `http://127.0.0.1:${closed}` });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`cyclone: cannot reach http://127.0.0.1:${closed}: is the API running? (ECONNREFUSED)\n`);

    const signedOut = await cli(['get', 'workflows'], { CYCLONE_CONFIG: join(home, 'none.json') });
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toContain('no server: run cyclone login --server URL');

    const notFound = await cli(['get', 'runs', 'nope'], env);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toMatch(/NOT_FOUND|no workflow "nope"/);

    const usage = await cli(['run', 'hello', '--param', 'novalue'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--param "novalue" must be KEY=VALUE');
  });

  /** A folder of two YAML files (a stage, and a workflow using it) and a non-YAML file `-f FOLDER` must skip. */
  function manifestFolder(name: string, workflowYaml: string): string {
    const folder = join(home, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'a-stage.yaml'),
      'apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata:\n  name: shout\nspec:\n  pod:\n    spec:\n      containers:\n        - name: main\n          image: alpine:3.20\n          command: [/bin/sh, -c, "echo shout"]\n',
    );
    writeFileSync(join(folder, 'b-workflow.yml'), workflowYaml);
    // Not YAML at all: read as a manifest it would fail the whole apply.
    writeFileSync(join(folder, 'README.md'), '# notes\n: : not yaml [\n');
    return folder;
  }
  const FOLDER_WORKFLOW =
    'apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata:\n  name: from-folder\nspec:\n  stages:\n    - name: shout\n';

  it('applies every YAML file of a folder in one go, skipping other files', async () => {
    const folder = manifestFolder('manifests', FOLDER_WORKFLOW);
    const result = await cli(['apply', '-f', folder, '--project', 'folders', '-o', 'json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const applied = JSON.parse(result.stdout) as { kind: string; name: string; action: string }[];
    expect(applied.map((a) => `${a.kind}/${a.name} ${a.action}`)).toEqual([
      'Stage/shout CREATED',
      'Workflow/from-folder CREATED',
    ]);
    const stored = await api.graphql<{ project: { workflows: { name: string; stages: { name: string }[] }[] } }>(
      'query { project(tenant: "acme", name: "folders") { workflows { name stages { name } } } }',
      {},
      admin,
    );
    expect(stored.data?.project.workflows).toEqual([{ name: 'from-folder', stages: [{ name: 'shout' }] }]);

    const again = await cli(['apply', '-f', folder, '--project', 'folders'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Stage/shout unchanged\nWorkflow/from-folder unchanged\n');
  });

  it('names the file of a problem when a folder is applied, and changes nothing', async () => {
    const folder = manifestFolder(
      'bad-manifests',
      'apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata:\n  name: half\nspec:\n  stages:\n    - name: shout\n      depends: [ghost]\n',
    );
    const result = await cli(['apply', '-f', folder, '--project', 'folders'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(folder, 'b-workflow.yml')}: documents[0].spec.stages[0].depends`);
    const half = await api.graphql<{ workflow: unknown }>(
      'query { workflow(tenant: "acme", project: "folders", name: "half") { name } }',
      {},
      admin,
    );
    expect(half.data?.workflow ?? null).toBeNull();
  });

  it('validates a folder as one set of documents, and names the file of a problem', async () => {
    const offline = { CYCLONE_CONFIG: join(home, 'none.json') };
    const folder = manifestFolder('valid-folder', FOLDER_WORKFLOW);
    const good = await cli(['validate', '-f', folder], offline);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    // The workflow's stage is in the other file: no "not in the given files" warning.
    expect(good.stdout).toBe(`${join(folder, 'a-stage.yaml')}, ${join(folder, 'b-workflow.yml')}: valid\n`);

    const bad = manifestFolder(
      'invalid-folder',
      'apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata:\n  name: loop\nspec:\n  stages:\n    - name: shout\n      depends: [shout]\n',
    );
    const result = await cli(['validate', '-f', bad], offline);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^error: ${escapeRegExp(join(bad, 'b-workflow.yml'))}: documents\\[0\\]\\.spec\\.stages\\[0\\]\\.depends`,
        'm',
      ),
    );
    expect(result.stdout).not.toContain('README.md');
  });

  it('validates YAML read from standard input', async () => {
    const offline = { CYCLONE_CONFIG: join(home, 'none.json') };
    const bad = await cli(['validate', '-f', '-'], offline, readFileSync(join(FIXTURES, 'cycle.yaml'), 'utf8'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'error: documents[2].spec.stages[0].depends (Workflow/loop): stages form a cycle: lint → test → lint',
    );
    expect(bad.stdout).toMatch(/^-: 1 error/m);
    const good = await cli(['validate', '-f', '-', '-o', 'json'], offline, FOLDER_WORKFLOW);
    expect(good.code).toBe(0);
    // The stage is not in the input: a warning (the server looks it up), not an error.
    const problems = JSON.parse(good.stdout) as { severity: string }[];
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('logs in with an API token (login --token) and uses it', async () => {
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { name: 'cli-test' } },
      admin,
    );
    const token = created.data?.createApiToken.token as string;
    expect(token).toMatch(/^cyc_a_/);
    const tokenEnv = { CYCLONE_CONFIG: join(home, 'token', 'config.json') };
    const login = await cli(
      ['login', '--server', api.url, '--token', token, '--tenant', 'acme', '--project', 'web'],
      tokenEnv,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Signed in to ${api.url} as ${TEST_ADMIN.email}`);
    expect(JSON.parse(readFileSync(tokenEnv.CYCLONE_CONFIG, 'utf8'))).toEqual({
      server: api.url,
      token,
      tenant: 'acme',
      project: 'web',
    });
    expect(statSync(tokenEnv.CYCLONE_CONFIG).mode & 0o777).toBe(0o600);

    const listed = await cli(['get', 'workflows', 'hello', '-o', 'json'], tokenEnv);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'hello' }]);
  });

  it('logout has the server revoke the saved token, which is refused afterwards, and forgets it', async () => {
    const logoutEnv = { CYCLONE_CONFIG: join(home, 'logout', 'config.json') };
    const login = await cli(
      ['login', '--server', api.url, '--email', TEST_ADMIN.email, '--password-stdin', '--tenant', 'acme'],
      logoutEnv,
      `${TEST_ADMIN.password}\n`,
    );
    expect(login.code).toBe(0);
    const { token } = JSON.parse(readFileSync(logoutEnv.CYCLONE_CONFIG, 'utf8'));
    expect((await api.graphql('{ me { email } }', {}, token)).errors).toBeUndefined();

    const logout = await cli(['logout'], logoutEnv);
    expect(logout.stderr).toBe('');
    expect(logout.code).toBe(0);
    expect(logout.stdout).toBe(
      `Signed out of ${api.url}: the token is revoked and removed from ${logoutEnv.CYCLONE_CONFIG}\n`,
    );
    // The copied token is dead on the server, not only forgotten by the CLI.
    const replayed = await api.graphql('{ me { email } }', {}, token);
    expect(replayed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.parse(readFileSync(logoutEnv.CYCLONE_CONFIG, 'utf8'))).toEqual({ server: api.url, tenant: 'acme' });
    expect((await cli(['logout'], logoutEnv)).stdout).toBe('Not signed in: there is no token to sign out.\n');

    // A token the server no longer accepts is forgotten all the same.
    writeFileSync(logoutEnv.CYCLONE_CONFIG, JSON.stringify({ server: api.url, token }), { mode: 0o600 });
    const stale = await cli(['logout'], logoutEnv);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toBe(`${api.url} no longer accepted the token; removed it from ${logoutEnv.CYCLONE_CONFIG}\n`);
    expect(JSON.parse(readFileSync(logoutEnv.CYCLONE_CONFIG, 'utf8'))).toEqual({ server: api.url });
  });

  it('refuses an unknown API token at login, saying why, and saves nothing', async () => {
    const refusedEnv = { CYCLONE_CONFIG: join(home, 'refused', 'config.json') };
    const result = await cli(['login', '--server', api.url, '--token', 'cyc_a_not-a-real-token'], refusedEnv);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `cyclone: ${api.url} refused the token: the API token is unknown; create one with createApiToken\n`,
    );
    expect(existsSync(refusedEnv.CYCLONE_CONFIG)).toBe(false);
  });
});
