import { describe, expect, it } from 'vitest';
import { isTerminalPhase, isTerminalRunPhase } from './phases.js';

describe('isTerminalPhase', () => {
  it('treats finished phases as terminal and active ones as not', () => {
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'].every((p) => isTerminalPhase(p as never))).toBe(true);
    expect(['PENDING', 'RUNNING', 'WAITING'].some((p) => isTerminalPhase(p as never))).toBe(false);
  });
});

describe('isTerminalRunPhase', () => {
  it('ends a run on SUCCEEDED, FAILED and CANCELLED only', () => {
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED'].every(isTerminalRunPhase)).toBe(true);
    expect(['PENDING', 'RUNNING', 'WAITING', 'SKIPPED', ''].some(isTerminalRunPhase)).toBe(false);
  });
});
