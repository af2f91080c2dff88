import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { MAX_QUERY_COST } from './cost.js';
import { MAX_QUERY_DEPTH } from './limits.js';

/** `{ tenants { projects { tenant { projects { … name } } } } }`: `levels` fields below `tenants`. */
function nestedTenantQuery(levels: number): string {
  const fields = Array.from({ length: levels }, (_, i) => (i % 2 === 0 ? 'projects' : 'tenant'));
  return `{ tenants { ${fields.map((f) => `${f} { `).join('')}name${' }'.repeat(levels)} } }`;
}

describe('query limits', () => {
  let api: TestApi;
  let token: string;
  beforeAll(async () => {
    api = await startTestApi();
    token = await api.loginAsAdmin();
  });
  afterAll(() => api.stop());

  it('accepts a query at the depth limit and refuses one past it', async () => {
    const atLimit = await api.graphql(nestedTenantQuery(MAX_QUERY_DEPTH - 2), {}, token);
    expect(atLimit.errors, JSON.stringify(atLimit.errors)).toBeUndefined();
    const tooDeep = await api.graphql(nestedTenantQuery(MAX_QUERY_DEPTH), {}, token);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooDeep.errors?.[0]?.message).toMatch(/levels deep; at most 12/);
  });

  it('refuses an operation whose pages multiply past the cost limit', async () => {
    const query = `query($n: Int!) { tenants { projects { workflowsConnection(first: $n) {
      edges { node { runs(first: $n) { id } } } } } } }`;
    const cheap = await api.graphql(query, { n: 5 }, token);
    expect(cheap.errors).toBeUndefined();
    const costly = await api.graphql(query, { n: 100 }, token);
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.errors?.[0]?.message).toContain(`at most ${MAX_QUERY_COST}`);
  });

  it('refuses a variable its scalar cannot read as bad input, naming it (the cost estimate reads variables first)', async () => {
    const refused = await api.graphql(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { name: 'ci', expiresAt: '0000-00-00T00:00:00Z' } },
      token,
    );
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/got invalid value "0000-00-00T00:00:00Z" at "input.expiresAt"/);
  });

  it('refuses text Postgres cannot store, naming the field, before anything is written', async () => {
    for (const name of ['a\u0000b', 'a\uD800b']) {
      const refused = await api.graphql(
        'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
        { input: { name } },
        token,
      );
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    }
    const tokens = await api.graphql<{ apiTokens: unknown[] }>('{ apiTokens { id } }', {}, token);
    expect(tokens.data?.apiTokens).toEqual([]);
  });

  it('refuses a value nested too deep to store, naming where, before anything is written', async () => {
    let config: unknown = { server: 'https://git.example.com' };
    for (let i = 0; i < 40; i += 1) config = { nested: config };
    const refused = await api.graphql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { name } }',
      { input: { tenant: 'nobody', name: 'deep', type: 'GIT', config } },
      token,
    );
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused.errors?.[0]?.message).toMatch(/^input\.config(\.nested)+ is nested more than 32 levels deep$/);
  });

  it("answers a body over the limit or not JSON in GraphQL's shape, not an HTML page", async () => {
    const post = (body: string) =>
      fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const tooLarge = await post(JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(3_000_000) } }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({
      errors: [
        { message: expect.stringMatching(/too large: at most \d+ bytes/), extensions: { code: 'BAD_USER_INPUT' } },
      ],
    });
    const notJson = await post('{"query": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});
