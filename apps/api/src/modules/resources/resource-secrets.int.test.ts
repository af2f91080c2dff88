// Secret resource parameters (SCM_AUTH, SCM_PWD, …) as a VIEWER would try to read them:
// through GraphQL, the workflow's YAML and the database, and kept across updates and
// a re-applied export; values stored in the clear before are sealed at start.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { SecretBox } from '../integrations/secret-box.js';
import { sealPlainSecretParameters } from './resources.repository.js';

const KEY = randomBytes(32);
const SECRET = 'alice:s3cret-value';
const RESOURCE = `{ name parameters { name value } secretParameters }`;
const scope = { tenant: 'sealed', project: 'p' };

describe('secret resource parameters', () => {
  let api: TestApi;
  let tokens: Record<string, string>;
  let db: pg.Client;

  const row = async (name: string) =>
    (
      await db.query<{ parameters: { name: string; value: string }[]; secret_ciphertext: string | null }>(
        'SELECT parameters, secret_ciphertext FROM resources WHERE name = $1',
        [name],
      )
    ).rows[0];

  async function must<T>(query: string, variables: Record<string, unknown>, token = tokens.DEVELOPER as string) {
    const result = await api.graphql<T>(query, variables, token);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data as T;
  }

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ENCRYPTION_KEY: KEY.toString('base64') });
    const admin = await api.loginAsAdmin();
    tokens = await seedTenant(api, admin, scope.tenant, { projects: [scope.project], roles: ['DEVELOPER', 'VIEWER'] });
    db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    await must(`mutation($input: CreateResourceInput!) { createResource(input: $input) ${RESOURCE} }`, {
      input: {
        ...scope,
        name: 'src',
        type: 'GIT',
        parameters: [
          { name: 'SCM_URL', value: 'https://git.example/repo.git' },
          { name: 'SCM_AUTH', value: SECRET },
          { name: 'SCM_REVISION', value: 'main' },
        ],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await api?.stop();
  });

  it('are sealed in the database and never returned, only named', async () => {
    const stored = await row('src');
    expect(stored?.parameters).toEqual([
      { name: 'SCM_URL', value: 'https://git.example/repo.git' },
      { name: 'SCM_AUTH', value: '' },
      { name: 'SCM_REVISION', value: 'main' },
    ]);
    expect(new SecretBox(KEY).openJson(stored?.secret_ciphertext as string)).toEqual({ SCM_AUTH: SECRET });
    const dump = await db.query<{ text: string }>(
      "SELECT string_agg(row_to_json(r)::text, '') AS text FROM resources r",
    );
    expect(dump.rows[0]?.text).not.toContain('s3cret');

    const seen = await must<{ resource: { parameters: unknown[]; secretParameters: string[] } }>(
      `query($tenant: String!, $project: String!) { resource(tenant: $tenant, project: $project, name: "src") ${RESOURCE} }`,
      scope,
      tokens.VIEWER,
    );
    expect(seen.resource.parameters).toContainEqual({ name: 'SCM_AUTH', value: '' });
    expect(seen.resource.secretParameters).toEqual(['SCM_AUTH']);
    expect(JSON.stringify(seen)).not.toContain('s3cret');
  });

  it('an update keeps a secret given empty, replaces a new one, drops a left-out one', async () => {
    const update = (parameters: { name: string; value: string }[]) =>
      must(`mutation($input: UpdateResourceInput!) { updateResource(input: $input) { name } }`, {
        input: { ...scope, name: 'src', parameters },
      });
    const url = { name: 'SCM_URL', value: 'https://git.example/repo.git' };
    const box = new SecretBox(KEY);
    await update([url, { name: 'SCM_AUTH', value: '' }]);
    expect(box.openJson((await row('src'))?.secret_ciphertext as string)).toEqual({ SCM_AUTH: SECRET });
    await update([url, { name: 'SCM_AUTH', value: 'bob:other' }]);
    expect(box.openJson((await row('src'))?.secret_ciphertext as string)).toEqual({ SCM_AUTH: 'bob:other' });
    await update([url]);
    expect(await row('src')).toEqual({ parameters: [url], secret_ciphertext: null });
    await update([url, { name: 'SCM_AUTH', value: SECRET }]);
  });

  it("a workflow's YAML shows the secret's name only, and applying it back keeps the value", async () => {
    await must(`mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind } }`, {
      input: {
        ...scope,
        yaml: `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    inputs:
      resources: [{name: src, path: /src}]
    spec:
      containers: [{image: debian, command: ['true']}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: wf}
spec: {stages: [{name: build}]}
`,
      },
    });
    const before = await row('src');
    const exported = await must<{ workflow: { yaml: string } }>(
      `query($tenant: String!, $project: String!) { workflow(tenant: $tenant, project: $project, name: "wf") { yaml } }`,
      scope,
      tokens.VIEWER,
    );
    expect(exported.workflow.yaml).toContain('SCM_AUTH');
    expect(exported.workflow.yaml).not.toContain('s3cret');
    const applied = await must<{ applyManifests: { kind: string; action: string }[] }>(
      `mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }`,
      { input: { ...scope, yaml: exported.workflow.yaml } },
    );
    expect(applied.applyManifests.find((o) => o.kind === 'Resource')?.action).toBe('UNCHANGED');
    expect(await row('src')).toEqual(before);
  });

  it('values stored in the clear by an earlier version are sealed at start', async () => {
    const legacy = [
      { name: 'SCM_URL', value: 'svn://svn.example/repo' },
      { name: 'SCM_USER', value: 'bob' },
      { name: 'SCM_PWD', value: 'legacy-password' },
    ];
    const { rows } = await db.query<{ id: string }>('SELECT id FROM projects WHERE name = $1', [scope.project]);
    await db.query(
      `INSERT INTO resources (id, project_id, name, type, parameters, updated_at)
       VALUES (gen_random_uuid(), $1, 'legacy', 'SVN', $2, now())`,
      [rows[0]?.id, JSON.stringify(legacy)],
    );
    const prisma = createPrismaClient(api.databaseUrl);
    try {
      expect(await sealPlainSecretParameters(prisma, new SecretBox(KEY))).toBe(1);
      expect(await sealPlainSecretParameters(prisma, new SecretBox(KEY))).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
    const sealed = await row('legacy');
    expect(sealed?.parameters).toContainEqual({ name: 'SCM_PWD', value: '' });
    expect(new SecretBox(KEY).openJson(sealed?.secret_ciphertext as string)).toEqual({ SCM_PWD: 'legacy-password' });
  });
});
