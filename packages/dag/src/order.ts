import type { Dag } from './types.js';

/** All stages that `name` waits for, directly or through others. */
export function upstreamClosure(dag: Dag, name: string): Set<string> {
  const result = new Set<string>();
  const pending = [...(dag.upstream.get(name) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (result.has(next)) continue;
    result.add(next);
    pending.push(...(dag.upstream.get(next) ?? []));
  }
  return result;
}

/** Stages not yet done whose upstream stages are all in `done`, in declaration order. */
export function readyStages(dag: Dag, done: ReadonlySet<string>): string[] {
  return dag.names.filter((name) => !done.has(name) && (dag.upstream.get(name) ?? []).every((up) => done.has(up)));
}

/**
 * Groups stages into levels: level 0 has no dependencies, level n depends only on
 * levels below n. Used for layout and for a stable execution order. Stages on a
 * cycle never become ready and are left out; validate first.
 */
export function levels(dag: Dag): string[][] {
  const result: string[][] = [];
  const done = new Set<string>();
  for (;;) {
    const level = readyStages(dag, done);
    if (level.length === 0) return result;
    result.push(level);
    for (const name of level) done.add(name);
  }
}
