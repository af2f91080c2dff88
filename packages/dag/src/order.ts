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
 * cycle never become ready and are left out; validate first. Kahn's algorithm,
 * linear in stages + edges.
 */
export function levels(dag: Dag): string[][] {
  const waitingOn = new Map(dag.names.map((name) => [name, dag.upstream.get(name)?.length ?? 0]));
  const order = new Map(dag.names.map((name, index) => [name, index]));
  const result: string[][] = [];
  let level = dag.names.filter((name) => waitingOn.get(name) === 0);
  while (level.length > 0) {
    result.push(level);
    const next: string[] = [];
    for (const name of level) {
      for (const child of dag.downstream.get(name) ?? []) {
        const remaining = (waitingOn.get(child) as number) - 1;
        waitingOn.set(child, remaining);
        if (remaining === 0) next.push(child);
      }
    }
    level = next.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  }
  return result;
}
