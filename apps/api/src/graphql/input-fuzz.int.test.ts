import { readFileSync } from 'node:fs';
import net from 'node:net';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutationCase } from '../testing/graphql-arbitraries.js';
import { seedTenant } from '../testing/seed.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

/**
 * Property-based fuzzing of every mutation and of Cyclone YAML through the real API:
 * whatever the input, the answer is never a server error, and a refused mutation
 * writes nothing (every table's row count is unchanged). Arguments come from the
 * committed schema (testing/graphql-arbitraries.ts). Set CYCLONE_FUZZ_RUNS to run more
 * cases per mutation; the seed is printed on failure for a replay.
 */
interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: unknown };
}

const RUNS = Number(process.env.CYCLONE_FUZZ_RUNS ?? 25);

const schema = buildSchema(
  readFileSync(new URL('../../../../packages/api-contract/schema.graphql', import.meta.url), 'utf8'),
);

/** JSON is YAML: documents are written as JSON, one per line. */
const stringify = (document: unknown) => `${JSON.stringify(document)}\n`;

/**
 * Left out: the caller's own credentials (a fuzzed sign-in or password change would
 * lock or sign out the admin running the cases) and deletions of the seeded tenant
 * and project (every later case would stop at "not found"). Their refusals of bad
 * input have their own tests.
 */
const LEFT_OUT = new Set([
  'login',
  'logout',
  'changePassword',
  'resetUserPassword',
  'disableUser',
  'enableUser',
  'revokeSession',
  'deleteTenant',
  'deleteProject',
]);

/** Tables a refused call may write by design: the audit trail and the sign-in throttle. */
const WRITTEN_WHEN_REFUSED = new Set(['audit_events', 'login_throttles']);

const NAMES = {
  tenant: ['fuzz'],
  project: ['p'],
  workflow: ['wf'],
  name: ['wf', 'p', 'fuzz', 'build', 'git'],
  stage: ['build'],
  resource: ['git'],
  email: ['developer@fuzz.test', 'nobody@fuzz.test'],
  role: ['DEVELOPER'],
};

const WORKFLOW_YAML = stringify({
  apiVersion: 'cyclone.dev/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'wf' },
  spec: { stages: [{ name: 'build' }] },
});
const STAGE_YAML = stringify({
  apiVersion: 'cyclone.dev/v1alpha1',
  kind: 'Stage',
  metadata: { name: 'build' },
  spec: { pod: { spec: { containers: [{ image: 'local/debian:bookworm', command: ['true'] }] } } },
});

/**
 * A tripwire under every socket this process opens: a connection to an address literal
 * off loopback (the cases carry 169.254.169.254, private ranges, …) is refused before it
 * is attempted and recorded, so the run proves the outbound policy stopped each one.
 */
function guardConnections(): { attempted: string[]; restore: () => void } {
  const attempted: string[] = [];
  const original = net.Socket.prototype.connect;
  const hostOf = (args: unknown[]): string | undefined => {
    const [first, second] = args;
    if (typeof first === 'object' && first !== null) return (first as { host?: string }).host;
    return typeof second === 'string' ? second : undefined;
  };
  const isLoopback = (host: string) => /^127\./.test(host) || host === '::1' || host === '::ffff:127.0.0.1';
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const host = hostOf(args);
    if (host !== undefined && net.isIP(host) !== 0 && !isLoopback(host)) {
      attempted.push(host);
      throw new Error(`the fuzz run refused a connection to ${host}`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  const restore = () => {
    net.Socket.prototype.connect = original;
  };
  return { attempted, restore };
}

describe('fuzzing GraphQL inputs and Cyclone YAML', () => {
  const connections = guardConnections();
  let api: TestApi;
  let token: string;
  let db: pg.Client;
  let countRows: () => Promise<Record<string, number>>;
  let cases = 0;

  beforeAll(async () => {
    // No controller: queued runs stay queued, nothing a fuzzed stage says is executed.
    // Every name resolves to an address the outbound policy refuses: no case leaves loopback.
    api = await startTestApi(
      { CYCLONE_ROLE: 'server' },
      { resolve: async () => [{ address: '127.0.0.2', family: 4 }] },
    );
    token = await api.loginAsAdmin();
    await seedTenant(api, token, 'fuzz', { projects: ['p'], roles: ['DEVELOPER'] });
    const seeded = await api.graphql(
      'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }',
      { input: { tenant: 'fuzz', project: 'p', yaml: `${STAGE_YAML}---\n${WORKFLOW_YAML}` } },
      token,
    );
    expect(seeded.errors).toBeUndefined();
    db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1",
    );
    const sql = `SELECT ${rows.map(({ tablename }) => `(SELECT count(*)::int FROM "${tablename}") AS "${tablename}"`).join(', ')}`;
    countRows = async () => (await db.query<Record<string, number>>(sql)).rows[0] as Record<string, number>;
  }, 120_000);

  afterAll(async () => {
    console.info(`input fuzzing: ${cases} cases ran`);
    connections.restore();
    await db?.end();
    await api?.stop();
  });

  /** Sends one case; fails on a server error, an answer that is not GraphQL's JSON, or a refusal that wrote. */
  async function check(document: string, variables: Record<string, unknown>): Promise<void> {
    cases += 1;
    const before = await countRows();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document, variables }),
    });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBeLessThan(500);
    const result = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: GraphQLErrorBody[] };
    const internal = result.errors?.filter((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR') ?? [];
    expect(internal).toEqual([]);
    if (result.errors?.length) {
      expect(result.errors.every((error) => typeof error.extensions?.code === 'string')).toBe(true);
      const after = await countRows();
      for (const table of WRITTEN_WHEN_REFUSED) {
        delete after[table];
        delete before[table];
      }
      expect(after, `refused (${result.errors[0]?.message.slice(0, 200)}) but wrote`).toEqual(before);
    }
  }

  /** Runs a property; a failure reports its seed and a counterexample cut short (values may be 200 kB). */
  async function assertProperty<T extends unknown[]>(property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
    const details = await fc.check(property, { numRuns, endOnFailure: true });
    if (!details.failed) return;
    const example = JSON.stringify(details.counterexample, (_key, value) =>
      typeof value === 'string' && value.length > 80 ? `${value.slice(0, 40)}…(${value.length} chars)` : value,
    );
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`seed ${details.seed}: ${cause.slice(0, 1_500)}\ncounterexample: ${example.slice(0, 2_000)}`);
  }

  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {}).filter((name) => !LEFT_OUT.has(name));

  it.each(mutations)(
    '%s: no server error, and a refusal writes nothing',
    async (name) => {
      const { document, variables } = mutationCase(schema, name, { names: NAMES });
      await assertProperty(
        fc.asyncProperty(variables, (values) => check(document, values)),
        RUNS,
      );
    },
    300_000,
  );

  const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }';
  const apply = (yaml: string) => check(APPLY, { input: { tenant: 'fuzz', project: 'p', yaml } });

  it('applyManifests: valid documents with any leaf replaced', async () => {
    const documents = [
      {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'wf' },
        spec: { stages: [{ name: 'build', depends: [] }] },
      },
      {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'Stage',
        metadata: { name: 'build' },
        spec: { pod: { spec: { containers: [{ image: 'x', command: ['true'], env: [{ name: 'A', value: 'b' }] }] } } },
      },
      {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'git' },
        spec: { type: 'Git', parameters: [{ name: 'SCM_URL', value: 'https://example.invalid/r.git' }] },
      },
      {
        apiVersion: 'cyclone.dev/v1alpha1',
        kind: 'WorkflowRun',
        metadata: { name: 'run' },
        spec: { workflowRef: { name: 'wf' }, timeout: '1h' },
      },
    ];
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(null, -1, 2 ** 63, 1e308, '', '\u0000', '😀'.repeat(50), 'y'.repeat(100_000)),
      fc.integer({ min: 50, max: 400 }).map((depth) => {
        let value: unknown = 'leaf';
        for (let i = 0; i < depth; i += 1) value = [value];
        return value;
      }),
    );
    await assertProperty(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        leaf,
        (doc, path, value) => apply(stringify(replaceLeaf(structuredClone(doc), path, value))),
      ),
      RUNS * 6,
    );
  }, 600_000);

  it('applyManifests: arbitrary text, many documents and alias bombs', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghij'.split('').map((key, i) => `${key}: &${key} [${`*${'abcdefghij'[i]},`.repeat(9).slice(0, -1)}]`),
    ].join('\n');
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 500 }),
      fc.constantFrom(
        bomb,
        '---\n'.repeat(5_000),
        '['.repeat(10_000),
        `key: ${'"'.repeat(3)}`,
        '!!js/function "x"',
        '<<: *nothing',
      ),
      fc.integer({ min: 2, max: 300 }).map((count) => Array.from({ length: count }, () => WORKFLOW_YAML).join('---\n')),
    );
    await assertProperty(fc.asyncProperty(text, apply), RUNS * 4);
  }, 600_000);

  it('no case ever reached an address off loopback (the outbound policy refused them first)', () => {
    expect(cases).toBeGreaterThan(0);
    expect(connections.attempted).toEqual([]);
  });
});

/** Replaces the value reached by following `path` (indices into keys, wrapping) with `value`. */
function replaceLeaf(doc: Record<string, unknown>, path: number[], value: unknown): Record<string, unknown> {
  let node: Record<string, unknown> | unknown[] = doc;
  for (const [i, step] of path.entries()) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    if (i === path.length - 1 || child === null || typeof child !== 'object') {
      (node as Record<string, unknown>)[key] = value;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return doc;
}
