import { describe, expect, it } from 'vitest';
import { ReconcilePriority, ReconcileQueue } from './reconcile-queue.js';

const { WOKEN, DUE, RESYNC } = ReconcilePriority;

function drain(queue: ReconcileQueue): string[] {
  const order: string[] = [];
  for (let id = queue.take(); id !== undefined; id = queue.take()) {
    order.push(id);
    queue.done(id);
  }
  return order;
}

describe('ReconcileQueue', () => {
  it('hands out woken runs before due ones and the resync last, first come first served within each', () => {
    const queue = new ReconcileQueue(1_000);
    queue.add('r1', RESYNC);
    queue.add('r2', RESYNC);
    queue.add('d1', DUE);
    queue.add('w1', WOKEN);
    queue.add('w2', WOKEN);
    expect(drain(queue)).toEqual(['w1', 'w2', 'd1', 'r1', 'r2']);
    expect(queue.size).toBe(0);
  });

  it('keeps the higher priority of a run queued twice, and queues it once', () => {
    const queue = new ReconcileQueue(1_000);
    queue.add('a', RESYNC);
    queue.add('b', RESYNC);
    queue.add('b', WOKEN);
    queue.add('b', RESYNC);
    queue.add('a', DUE);
    expect(queue.priorityOf('b')).toBe(WOKEN);
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['b', 'a']);
  });

  it('gives every n-th pass to the lowest waiting priority, so wake-ups never starve the resync', () => {
    const queue = new ReconcileQueue(4);
    for (let i = 1; i <= 8; i++) queue.add(`w${i}`, WOKEN);
    queue.add('r1', RESYNC);
    queue.add('r2', RESYNC);
    queue.add('d1', DUE);
    expect(drain(queue)).toEqual(['w1', 'w2', 'w3', 'r1', 'w4', 'w5', 'w6', 'r2', 'w7', 'w8', 'd1']);
  });

  it('does not hand out a run while it is being passed over; a re-queue meanwhile waits for it', () => {
    const queue = new ReconcileQueue(1_000);
    queue.add('a', WOKEN);
    queue.add('b', RESYNC);
    expect(queue.take()).toBe('a');
    queue.add('a', WOKEN);
    expect(queue.take()).toBe('b');
    expect(queue.take()).toBeUndefined();
    expect(queue.hasReady()).toBe(false);
    expect(queue.size).toBe(1);
    queue.done('a');
    expect(queue.hasReady()).toBe(true);
    expect(queue.take()).toBe('a');
  });

  it('is empty and has nothing ready when nothing was queued', () => {
    const queue = new ReconcileQueue();
    expect(queue.take()).toBeUndefined();
    expect(queue.hasReady()).toBe(false);
    expect(queue.priorityOf('x')).toBeUndefined();
  });
});
