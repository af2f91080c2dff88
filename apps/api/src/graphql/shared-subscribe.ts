import { createHash } from 'node:crypto';
import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, getOperationAST } from 'graphql';
import { isCompiledQuery } from 'graphql-jit';
import { type CompiledOperations, withGraphQLErrors } from './compiled-execution.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-js's `subscribe`, except that an event object delivered to many
 * subscriptions is executed once per (user, operation, variables) and the result
 * shared: 1,000 dashboards following one run's log otherwise run the same
 * resolvers 1,000 times per line. Sharing needs the event *object* to be shared
 * (the run streams hand the same object to every follower of a shared read); other
 * events are executed per subscription as usual. The key holds the user because
 * field authorization depends on who asks, except for the root fields named in
 * `sameForEveryReader`: their events read the same for everyone allowed to follow
 * them (access is checked when they start and again as identity data changes), so
 * five people following one log cost one execution per batch, not five. With
 * `operations`, each event is executed by the operation compiled (graphql-jit), as
 * over HTTP.
 */
export function createSharedSubscribe(
  userIdOf: (context: unknown) => string | undefined,
  sameForEveryReader: ReadonlySet<string> = new Set(),
  operations?: CompiledOperations,
) {
  const results = new WeakMap<object, Map<string, Result>>();
  return async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const source = args.document.loc?.source.body;
    const reader = readsTheSame(args, sameForEveryReader) ? '' : (userIdOf(args.contextValue) ?? '');
    const key =
      source === undefined
        ? undefined
        : JSON.stringify([reader, args.operationName ?? '', source, args.variableValues ?? {}]);
    const compiled =
      operations && source !== undefined
        ? operations.of(
            // Keyed by the text's hash, as over HTTP: a kept key stays small.
            `ws\0${args.operationName ?? ''}\0${createHash('sha256').update(source).digest('hex')}`,
            args.document,
            args.operationName ?? undefined,
          )
        : undefined;
    return mapAsyncIterator(stream, (event: unknown) => {
      const run =
        compiled && isCompiledQuery(compiled)
          ? async () => withGraphQLErrors(await compiled.query(event, args.contextValue, args.variableValues ?? {}))
          : () => execute({ ...args, rootValue: event });
      if (key === undefined || typeof event !== 'object' || event === null) return run();
      let byKey = results.get(event);
      if (!byKey) {
        byKey = new Map();
        results.set(event, byKey);
      }
      let result = byKey.get(key);
      if (!result) {
        result = run();
        byKey.set(key, result);
      }
      return result;
    });
  };
}

/** Whether every root field of the operation is one whose events read the same for every reader. */
function readsTheSame(args: ExecutionArgs, sameForEveryReader: ReadonlySet<string>): boolean {
  const selections = getOperationAST(args.document, args.operationName)?.selectionSet.selections ?? [];
  return (
    selections.length > 0 &&
    selections.every((selection) => selection.kind === 'Field' && sameForEveryReader.has(selection.name.value))
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

/** Maps each value of `source`; ending the mapped iterator ends the source (its `finally` runs). */
function mapAsyncIterator<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
  };
  const mapped = async (step: IteratorResult<T>): Promise<IteratorResult<U>> => {
    if (step.done) return { value: undefined, done: true };
    try {
      return { value: await map(step.value), done: false };
    } catch (error) {
      await close().catch(() => {});
      throw error;
    }
  };
  const generator: AsyncGenerator<U> = {
    next: async () => mapped(await iterator.next()),
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}
