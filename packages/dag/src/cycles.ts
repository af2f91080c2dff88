import type { Dag } from './types.js';

/**
 * Finds one cycle per strongly connected group, as a path that starts and ends on
 * the same stage (`a → b → c → a`), in declaration order so messages are stable.
 */
export function findCycles(dag: Dag): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const inReportedCycle = new Set<string>();

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of dag.downstream.get(name) ?? []) {
      const seen = state.get(next);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        if (!cycle.some((n) => inReportedCycle.has(n))) {
          cycles.push(cycle);
          for (const n of cycle) inReportedCycle.add(n);
        }
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const name of dag.names) if (!state.has(name)) visit(name);
  return cycles;
}

/** True when adding the edge `from → to` (to depends on from) would close a cycle. */
export function wouldCreateCycle(dag: Dag, from: string, to: string): boolean {
  if (from === to) return true;
  const pending = [to];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name === from) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...(dag.downstream.get(name) ?? []));
  }
  return false;
}
