import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_PASSWORD } from '../../db/embedded-postgres.js';
import { isEnded } from '../../testing/run-helpers.js';
import { type SpawnedApi, spawnApi } from '../../testing/spawn-api.js';
import { processesWith, survivorsOf } from '../../testing/stage-processes.js';
import { TEST_ADMIN } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';

interface RunView {
  id: string;
  phase: string;
  message: string;
  stages: { name: string; phase: string; message: string; outputs: { key: string; value: string }[] }[];
  artifacts: { name: string }[];
}

const RUN_FIELDS = 'id phase message stages { name phase message outputs { key value } } artifacts { name }';
const isRoot = process.getuid?.() === 0;

/**
 * Attacks a DEVELOPER's stage could try on the machine that runs it, against the
 * real API (a child process, as `npm start` runs it: embedded Postgres, the
 * encryption key generated in the data folder, a secret in its environment) and
 * the real bubblewrap sandbox. Each test also checks that what the stage is after
 * exists on the host, so a failing attack means the sandbox stopped it.
 */
describe('the host executor sandbox, attacked by its own stages', () => {
  let api: SpawnedApi;
  let dataDir: string;
  let token: string;
  const secret = `env-secret-${randomBytes(8).toString('hex')}`;
  let workflowCount = 0;

  async function graphql<T>(query: string, variables: object): Promise<T> {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** Creates a workflow of these stages and starts it; returns the run id. */
  async function start(stages: unknown[], timeout?: string): Promise<string> {
    workflowCount += 1;
    const name = `attack-${workflowCount}`;
    await graphql('mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { name } }', {
      i: { tenant: 'acme', project: 'web', name, stages },
    });
    const started = await graphql<{ runWorkflow: { id: string } }>(
      'mutation($i: RunWorkflowInput!) { runWorkflow(input: $i) { id } }',
      { i: { tenant: 'acme', project: 'web', workflow: name, ...(timeout ? { timeout } : {}) } },
    );
    return started.runWorkflow.id;
  }

  function waitEnd(id: string): Promise<RunView> {
    const read = async () =>
      (await graphql<{ workflowRun: RunView }>(`query($id: ID!) { workflowRun(id: $id) { ${RUN_FIELDS} } }`, { id }))
        .workflowRun;
    return waitFor(read, { until: isEnded, what: `run ${id} to end`, timeoutMs: 60_000, intervalMs: 100 });
  }

  async function logs(id: string, stage: string): Promise<string[]> {
    const result = await graphql<{ workflowRunLogs: { line: string }[] }>(
      'query($id: ID!, $stage: String!) { workflowRunLogs(id: $id, stage: $stage) { line } }',
      { id, stage },
    );
    return result.workflowRunLogs.map((line) => line.line);
  }

  const sh = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
    name,
    image: 'alpine',
    command: ['sh', '-c', script],
    ...extra,
  });

  /** Runs one stage to its end; returns the run and the stage's log. */
  async function runOne(script: string, extra: Record<string, unknown> = {}) {
    const id = await start([sh('attack', script, extra)]);
    const run = await waitEnd(id);
    return { run, stage: run.stages[0] as RunView['stages'][number], lines: await logs(id, 'attack') };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-sandbox-'));
    // No DATABASE_URL and no CYCLONE_ENCRYPTION_KEY: the embedded Postgres and a key file, as `npm start` has them.
    api = await spawnApi({
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
      CYCLONE_SECRET_PROBE: secret,
      LOG_LEVEL: 'info',
    });
    token = (
      await graphql<{ login: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', {
        i: TEST_ADMIN,
      })
    ).login.token;
    await graphql('mutation($i: CreateTenantInput!) { createTenant(input: $i) { name } }', { i: { name: 'acme' } });
    await graphql('mutation($i: CreateProjectInput!) { createProject(input: $i) { name } }', {
      i: { tenant: 'acme', name: 'web' },
    });
  }, 240_000);

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs stages in bubblewrap (as cyclone-stage when the API is root), and /healthz says so', async () => {
    const health = (await (await fetch(`${api.url}/healthz`)).json()) as { executor: Record<string, unknown> };
    expect(health.executor).toEqual({
      kind: 'host',
      reason: 'CYCLONE_EXECUTOR',
      detail: `processes on this machine, each in a bubblewrap sandbox${isRoot ? ' as cyclone-stage' : ''}`,
      isolation: 'bubblewrap',
      ...(isRoot ? { user: 'cyclone-stage' } : {}),
    });
    const { run, lines } = await runOne(
      'id -u; id -un; echo "pwd=$(pwd) workspace=$CYCLONE_WORKSPACE home=$HOME"; if unshare -r true 2>/dev/null; then echo "user namespace made"; else echo "no user namespace"; fi',
    );
    expect(run.phase).toBe('SUCCEEDED');
    if (isRoot) {
      expect(lines[0]).not.toBe('0');
      expect(lines[1]).toBe('cyclone-stage');
    }
    expect(lines[2]).toBe('pwd=/workspace workspace=/workspace home=/workspace');
    expect(lines[3]).toBe('no user namespace');
  });

  it("cannot read the API's environment through /proc: its /proc shows only its own processes", async () => {
    // The secrets are there, on the host, for any process of the API's user to read.
    const apiEnviron = readFileSync(`/proc/${api.pid}/environ`, 'utf8');
    expect(apiEnviron).toContain(secret);
    const { lines } = await runOne(
      [
        'echo "ppid=$PPID"',
        `for f in /proc/$PPID/environ /proc/1/environ /proc/${api.pid}/environ /proc/[0-9]*/environ; do echo "== $f"; tr '\\0' '\\n' < "$f"; done`,
        'echo "processes: $(ls -d /proc/[0-9]* | wc -l)"',
      ].join('; '),
    );
    const text = lines.join('\n');
    expect(text).toContain('== /proc/1/environ');
    expect(text).toContain(`cannot open /proc/${api.pid}/environ: No such file`);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/CYCLONE_ADMIN_PASSWORD|CYCLONE_SECRET_PROBE|DATABASE_URL|postgresql:\/\//);
    // Its PID namespace: bwrap's init, the shell, and what the shell runs.
    expect(Number(lines.find((line) => line.startsWith('processes: '))?.slice(11))).toBeLessThan(6);
  });

  it('cannot see the data folder (encryption key, Postgres password and data) nor other runs’ workspaces', async () => {
    const keyFile = join(dataDir, 'encryption.key');
    const key = readFileSync(keyFile, 'utf8').trim();
    const pgPassword = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
    const other = await start([sh('leave', 'echo other-run-secret > "$CYCLONE_WORKSPACE/mine"')]);
    expect((await waitEnd(other)).phase).toBe('SUCCEEDED');
    expect(existsSync(join(dataDir, 'workspaces', other, 'mine'))).toBe(true);

    const { run, lines } = await runOne(
      [
        `cat ${keyFile}`,
        `cat ${join(dataDir, 'postgres.password')}`,
        `ls ${dataDir}`,
        `ls ${join(dataDir, 'postgres')}`,
        `cat ${join(dataDir, 'workspaces', other, 'mine')}`,
        'ls /workspace/..',
        'exit 0',
      ].join('; '),
    );
    expect(run.phase).toBe('SUCCEEDED');
    const text = lines.join('\n');
    expect(text).toContain(`cat: ${keyFile}: No such file or directory`);
    expect(text).not.toContain(key);
    expect(text).not.toContain(pgPassword);
    expect(text).not.toContain('other-run-secret');
    // Nothing listed: `ls` of the data folder, of Postgres' folder and of the sandbox root.
    for (const entry of ['encryption.key', 'postgres.password', 'postgres', 'workspaces', 'PG_VERSION', other]) {
      expect(lines).not.toContain(entry);
    }
  });

  it.skipIf(!process.execPath.startsWith('/usr/'))(
    'reaches the embedded Postgres port (the host network) but its old fixed password is refused',
    async () => {
      const port = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')
        .split('\n')[3]
        ?.trim();
      expect(Number(port)).toBeGreaterThan(0);
      // The Postgres wire protocol by hand: startup as postgres, then the cleartext password asked for.
      const probe = `const net = require('net'); const [port, password] = process.argv.slice(1);
const socket = net.connect(Number(port), '127.0.0.1', () => {
  console.log('connected');
  const params = Buffer.from('user\\0postgres\\0database\\0postgres\\0\\0');
  const head = Buffer.alloc(8); head.writeInt32BE(8 + params.length); head.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([head, params]));
});
let buffer = Buffer.alloc(0);
socket.on('data', (data) => {
  buffer = Buffer.concat([buffer, data]);
  while (buffer.length >= 5) {
    const type = String.fromCharCode(buffer[0]); const length = buffer.readInt32BE(1);
    if (buffer.length < 1 + length) return;
    const body = buffer.subarray(5, 1 + length); buffer = buffer.subarray(1 + length);
    if (type === 'R' && body.readInt32BE(0) === 3) {
      const value = Buffer.from(password + '\\0'); const head = Buffer.alloc(5); head.write('p'); head.writeInt32BE(4 + value.length, 1);
      socket.write(Buffer.concat([head, value]));
    } else if (type === 'R' && body.readInt32BE(0) === 0) { console.log('auth: ok'); process.exit(0); }
    else if (type === 'E') { const code = body.toString().split('\\0').find((f) => f[0] === 'C'); console.log('auth: refused ' + code.slice(1)); process.exit(1); }
  }
});
socket.on('error', (error) => { console.log('unreachable ' + error.code); process.exit(3); });`;
      const { stage, lines } = await runOne('', {
        command: [process.execPath, '-e', probe, port, LEGACY_PASSWORD],
      });
      expect(lines).toEqual(['connected', 'auth: refused 28P01']);
      expect(stage).toMatchObject({ phase: 'FAILED', message: 'exited with code 1' });
    },
  );

  it('cannot write outside its workspace; its /tmp is its own', async () => {
    const marker = `cyclone-sandbox-${randomBytes(6).toString('hex')}`;
    const targets = [`/etc/${marker}`, `/usr/${marker}`, `/${marker}`, join(dataDir, marker), join(tmpdir(), marker)];
    if (existsSync('/opt')) targets.push(`/opt/${marker}`);
    const { run, lines } = await runOne(
      [
        `for f in ${targets.join(' ')}; do if (echo x > "$f") 2>/dev/null; then echo "wrote $f"; else echo "refused $f"; fi; done`,
        `echo private > /tmp/${marker}-tmp && echo "tmp ok"`,
        'echo inside > /workspace/inside && echo "workspace ok"',
      ].join('; '),
    );
    expect(run.phase).toBe('SUCCEEDED');
    for (const target of targets) {
      // The host's /tmp is not the stage's: a write there lands in the sandbox's own /tmp.
      if (target !== join(tmpdir(), marker)) expect(lines).toContain(`refused ${target}`);
      expect(existsSync(target), target).toBe(false);
    }
    expect(lines).toEqual(expect.arrayContaining(['tmp ok', 'workspace ok']));
    expect(existsSync(join(tmpdir(), `${marker}-tmp`))).toBe(false);
    expect(readFileSync(join(dataDir, 'workspaces', run.id, 'inside'), 'utf8')).toBe('inside\n');
  });

  /** A stage that starts processes which leave its process group and ignore SIGTERM and SIGHUP. */
  const escaping = (marker: string) =>
    [
      `setsid sh -c 'trap "" HUP TERM; sleep 300; : ${marker}' </dev/null >/dev/null 2>&1 &`,
      `( setsid sh -c 'trap "" HUP TERM; sleep 301; : ${marker}' </dev/null >/dev/null 2>&1 & )`,
      `nohup sh -c 'sleep 302; : ${marker}' </dev/null >/dev/null 2>&1 &`,
      'touch "$CYCLONE_WORKSPACE/escaped"',
      'exec sleep 303',
    ].join('\n');

  it('stop kills every process of the stage, also those that setsid and double-forked away', async () => {
    const marker = `escape-${randomBytes(6).toString('hex')}`;
    const id = await start([sh('escape', escaping(marker))]);
    const escaped = join(dataDir, 'workspaces', id, 'escaped');
    for (let i = 0; i < 200 && (!existsSync(escaped) || processesWith(marker).length < 3); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(3);
    await graphql('mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }', { id });
    expect((await waitEnd(id)).phase).toBe('CANCELLED');
    expect(await survivorsOf(() => processesWith(marker))).toEqual([]);
  });

  it('a run past its timeout leaves no process behind either', async () => {
    const marker = `timeout-${randomBytes(6).toString('hex')}`;
    const id = await start([sh('escape', escaping(marker))], '2s');
    const run = await waitEnd(id);
    expect(run).toMatchObject({ phase: 'FAILED', message: 'the run timed out' });
    expect(await survivorsOf(() => processesWith(marker))).toEqual([]);
  });

  it('cannot make the API read a file of its own through a link in the workspace', async () => {
    const keyFile = join(dataDir, 'encryption.key');
    const id = await start([
      // Results are `key:value` lines; the API's environ has DATABASE_URL-like `x=y:z` text.
      sh('results', 'ln -sf /proc/self/environ "$CYCLONE_RESULTS"'),
      sh('artifact', `mkdir -p out && ln -s ${keyFile} out/key`, {
        outputs: { artifacts: [{ name: 'key', path: 'out/key' }] },
      }),
    ]);
    const run = await waitEnd(id);
    const results = run.stages.find((stage) => stage.name === 'results');
    expect(results).toMatchObject({ phase: 'SUCCEEDED', outputs: [] });
    const artifact = run.stages.find((stage) => stage.name === 'artifact');
    expect(artifact).toMatchObject({
      phase: 'FAILED',
      message: 'output artifacts: "key": out/key leads out of the run workspace',
    });
    expect(run.artifacts).toEqual([]);
    expect(JSON.stringify(run)).not.toContain(secret);
  });
});
