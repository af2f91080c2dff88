import {
  type ExecutionResult,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from 'graphql';
import { isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';
import { CompiledOperations } from './compiled-execution.js';
import { createSharedSubscribe } from './shared-subscribe.js';

/** A schema whose `line.text` resolver counts its calls, fed by `source`. */
function counting(source: () => AsyncIterable<object>) {
  const calls = { text: 0 };
  const Line = new GraphQLObjectType({
    name: 'Line',
    fields: {
      seq: { type: new GraphQLNonNull(GraphQLInt) },
      text: {
        type: new GraphQLNonNull(GraphQLString),
        resolve: (line: { text: string }) => {
          calls.text++;
          return line.text;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { lines: { type: new GraphQLNonNull(Line), subscribe: () => source(), resolve: (line) => line } },
    }),
  });
  return { schema, calls };
}

async function* lines(events: readonly object[]) {
  for (const event of events) yield event;
}

async function collect(result: unknown): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  for await (const value of result as AsyncIterable<ExecutionResult>) out.push(value);
  return out;
}

const userIdOf = (context: unknown) => (context as { user?: string }).user;
const QUERY = 'subscription { lines { seq text } }';

describe('createSharedSubscribe', () => {
  it('executes an event shared by several subscriptions of one user once, and gives each the same data', async () => {
    const events = [
      { seq: 1, text: 'a' },
      { seq: 2, text: 'b' },
    ];
    const { schema, calls } = counting(() => lines(events));
    const subscribe = createSharedSubscribe(userIdOf);
    const [first, second] = await Promise.all(
      [1, 2].map(async () =>
        collect(await subscribe({ schema, document: parse(QUERY), contextValue: { user: 'ann' } })),
      ),
    );
    expect(first?.map((r) => r.data)).toEqual([{ lines: { seq: 1, text: 'a' } }, { lines: { seq: 2, text: 'b' } }]);
    expect(second?.map((r) => r.data)).toEqual(first?.map((r) => r.data));
    expect(calls.text).toBe(2);
  });

  it('executes separately for another user, another operation, or events that are not the same object', async () => {
    const shared = [{ seq: 1, text: 'a' }];
    const { schema, calls } = counting(() => lines(shared));
    const subscribe = createSharedSubscribe(userIdOf);
    await collect(await subscribe({ schema, document: parse(QUERY), contextValue: { user: 'ann' } }));
    await collect(await subscribe({ schema, document: parse(QUERY), contextValue: { user: 'bob' } }));
    await collect(
      await subscribe({ schema, document: parse('subscription { lines { text } }'), contextValue: { user: 'ann' } }),
    );
    expect(calls.text).toBe(3);

    const fresh = counting(() => lines([{ seq: 1, text: 'a' }]));
    await collect(await subscribe({ schema: fresh.schema, document: parse(QUERY), contextValue: { user: 'ann' } }));
    await collect(await subscribe({ schema: fresh.schema, document: parse(QUERY), contextValue: { user: 'ann' } }));
    expect(fresh.calls.text).toBe(2);
  });

  it('executes once for every user when the root field reads the same for every reader', async () => {
    const shared = [{ seq: 1, text: 'a' }];
    const { schema, calls } = counting(() => lines(shared));
    const subscribe = createSharedSubscribe(userIdOf, new Set(['lines']));
    const results = await Promise.all(
      ['ann', 'bob', 'cy'].map(async (user) =>
        collect(await subscribe({ schema, document: parse(QUERY), contextValue: { user } })),
      ),
    );
    expect(results.map((r) => r.map((result) => result.data))).toEqual(
      Array(3).fill([{ lines: { seq: 1, text: 'a' } }]),
    );
    expect(calls.text).toBe(1);

    // Another field named as the same for every reader does not make this one so.
    const other = counting(() => lines(shared));
    const elsewhere = createSharedSubscribe(userIdOf, new Set(['runs']));
    await collect(await elsewhere({ schema: other.schema, document: parse(QUERY), contextValue: { user: 'ann' } }));
    await collect(await elsewhere({ schema: other.schema, document: parse(QUERY), contextValue: { user: 'bob' } }));
    expect(other.calls.text).toBe(2);
  });

  it('executes events with the operation compiled when given compiled operations: the same data and errors as graphql-js', async () => {
    class Gone extends Error {
      readonly extensions = { code: 'NOT_FOUND' };
    }
    const events = [
      { seq: 1, text: 'a' },
      { seq: 2, text: 'gone' },
    ];
    const { schema } = counting(() => lines(events));
    const text = schema.getType('Line') as GraphQLObjectType;
    const plainText = text.getFields().text?.resolve;
    (text.getFields().text as { resolve: unknown }).resolve = (line: { text: string }, ...rest: never[]) => {
      if (line.text === 'gone') throw new Gone('that line is gone');
      return (plainText as (...args: unknown[]) => unknown)(line, ...rest);
    };
    let compiledRuns = 0;
    class Recording extends CompiledOperations {
      override of(...args: Parameters<CompiledOperations['of']>) {
        const made = super.of(...args);
        if (!isCompiledQuery(made)) return made;
        return {
          ...made,
          query: (...query: Parameters<typeof made.query>) => {
            compiledRuns += 1;
            return made.query(...query);
          },
        };
      }
    }
    const query = 'subscription Follow($n: Int) { lines { seq text } }';
    const run = async (operations?: CompiledOperations) =>
      collect(
        await createSharedSubscribe(
          userIdOf,
          new Set(),
          operations,
        )({
          schema,
          document: parse(query),
          contextValue: { user: 'ann' },
          variableValues: { n: 1 },
        }),
      );
    const compiled = await run(new Recording(schema));
    const plain = await run();
    expect(compiledRuns).toBe(2);
    expect(compiled.map((result) => result.data)).toEqual(plain.map((result) => result.data));
    const [error] = compiled[1]?.errors ?? [];
    expect(error?.message).toBe('that line is gone');
    expect(error?.path).toEqual(['lines', 'text']);
    expect(error?.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(error?.originalError).toBeInstanceOf(Gone);
    expect(plain[1]?.errors?.[0]?.toJSON()).toEqual(error?.toJSON());
  });

  it('ends the source when the subscription is closed early', async () => {
    let finished = false;
    async function* endless() {
      try {
        for (let seq = 1; ; seq++) yield { seq, text: String(seq) };
      } finally {
        finished = true;
      }
    }
    const { schema } = counting(endless);
    const iterator = (await createSharedSubscribe(userIdOf)({
      schema,
      document: parse(QUERY),
      contextValue: { user: 'ann' },
    })) as AsyncGenerator<ExecutionResult>;
    expect((await iterator.next()).value?.data).toEqual({ lines: { seq: 1, text: '1' } });
    await iterator.return(undefined);
    expect(finished).toBe(true);
  });
});
