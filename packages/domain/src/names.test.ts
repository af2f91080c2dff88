import { describe, expect, it } from 'vitest';
import { isDnsLabel } from './names.js';
import { isTerminalPhase } from './phases.js';

describe('isDnsLabel', () => {
  it.each(['a', 'build', 'unit-test-2', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(isDnsLabel(name)).toBe(true);
  });

  it.each(['', 'Build', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64)])('rejects "%s"', (name) => {
    expect(isDnsLabel(name)).toBe(false);
  });
});

describe('isTerminalPhase', () => {
  it('treats finished phases as terminal and active ones as not', () => {
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'].every((p) => isTerminalPhase(p as never))).toBe(true);
    expect(['PENDING', 'RUNNING', 'WAITING'].some((p) => isTerminalPhase(p as never))).toBe(false);
  });
});
