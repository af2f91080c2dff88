import { createHash } from 'node:crypto';
import { buildSchema, type GraphQLSchema, graphql, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompiledOperations, compiledExecution } from './compiled-execution.js';

class NotFound extends Error {
  readonly extensions = { code: 'NOT_FOUND' };
}

function testSchema(): GraphQLSchema {
  const schema = buildSchema(`
    type Run { number: Int! phase: String! }
    type Workflow { name: String! runs(first: Int = 2): [Run!]! latest: Run }
    type Query { workflows(names: [String!]!): [Workflow!]! workflow(name: String!): Workflow }
    type Mutation { rename(from: String!, to: String!): Workflow! }
  `);
  const workflow = (name: string) => {
    if (name === 'missing') throw new NotFound(`workflow "${name}" was not found`);
    return { name };
  };
  const resolve = (type: string, field: string, resolver: (...args: never[]) => unknown) => {
    const fields = (schema.getType(type) as { getFields(): Record<string, { resolve?: unknown }> }).getFields();
    (fields[field] as { resolve?: unknown }).resolve = resolver;
  };
  resolve('Query', 'workflows', (_: unknown, { names }: { names: string[] }) => names.map(workflow));
  resolve('Query', 'workflow', (_: unknown, { name }: { name: string }) => workflow(name));
  resolve('Mutation', 'rename', (_: unknown, { to }: { to: string }) => workflow(to));
  resolve('Workflow', 'runs', (_: unknown, { first }: { first: number }) =>
    Array.from({ length: first }, (_, i) => ({ number: i + 1, phase: i % 2 ? 'FAILED' : 'SUCCEEDED' })),
  );
  resolve('Workflow', 'latest', async ({ name }: { name: string }) =>
    name === 'new' ? null : { number: 9, phase: 'RUNNING' },
  );
  return schema;
}

/** Runs one operation as Apollo hands it to a gateway's executor. */
async function executeCompiled(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}) {
  const { executor } = await compiledExecution(new CompiledOperations(schema)).load({
    apollo: { key: 'k', keyHash: 'h', graphRef: 'g' },
  });
  const document = parse(query);
  const request = {
    document,
    operation: document.definitions[0] as OperationDefinitionNode,
    operationName: null,
    queryHash: createHash('sha256').update(query).digest('hex'),
    request: { query, variables },
    context: {},
  };
  return executor?.(request as never);
}

const QUERIES: [string, Record<string, unknown>][] = [
  ['{ workflows(names: ["a", "new"]) { name runs { number phase } latest { phase } } }', {}],
  ['query($n: Int) { workflow(name: "a") { name runs(first: $n) { number } } }', { n: 4 }],
  ['query { workflows(names: ["a", "missing"]) { name } }', {}],
  ['query { workflow(name: "missing") { name } a: workflow(name: "a") { name } }', {}],
  ['mutation { rename(from: "a", to: "b") { name latest { number } } }', {}],
];

describe('compiledExecution', () => {
  it('answers as graphql-js does: data, errors with their path, locations and extensions', async () => {
    const schema = testSchema();
    for (const [query, variables] of QUERIES) {
      const expected = JSON.parse(JSON.stringify(await graphql({ schema, source: query, variableValues: variables })));
      const compiled = await executeCompiled(schema, query, variables);
      expect(JSON.parse(JSON.stringify(compiled)), query).toEqual(expected);
    }
  });

  it('refuses a variable of the wrong type before anything runs, as graphql-js does (its wording differs a little)', async () => {
    const query = 'query($n: Int) { workflow(name: "a") { runs(first: $n) { number } } }';
    const result = await executeCompiled(testSchema(), query, { n: 'five' });
    expect(result?.data).toBeUndefined();
    expect(result?.errors).toHaveLength(1);
    expect(result?.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "five"; .*Int cannot represent/);
    expect(result?.errors?.[0]?.locations).toEqual([{ line: 1, column: 7 }]);
  });

  it('hands Apollo errors whose extensions are an object and whose cause is the resolver error', async () => {
    const result = await executeCompiled(testSchema(), '{ workflow(name: "missing") { name } }');
    const [error] = result?.errors ?? [];
    expect(error?.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(error?.originalError).toBeInstanceOf(NotFound);
    const plain = await executeCompiled(
      testSchema(),
      'query($n: Int) { workflow(name: "a") { runs(first: $n) { number } } }',
      {
        n: 'x',
      },
    );
    expect(plain?.errors?.[0]?.extensions).toEqual({});
  });
});
