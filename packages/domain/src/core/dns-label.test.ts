import { describe, expect, it } from 'vitest';
import { isDnsLabel } from './dns-label.js';

describe('isDnsLabel', () => {
  it.each(['a', 'build', 'unit-test-2', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(isDnsLabel(name)).toBe(true);
  });

  it.each(['', 'Build', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64)])('rejects "%s"', (name) => {
    expect(isDnsLabel(name)).toBe(false);
  });
});
