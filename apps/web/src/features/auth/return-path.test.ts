import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeReturnPath('/workflows')).toBe('/workflows');
    expect(safeReturnPath('/projects/shop?tab=runs')).toBe('/projects/shop?tab=runs');
  });

  it('falls back to the overview for anything that could leave the site', () => {
    for (const value of [
      undefined,
      null,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'workflows',
    ]) {
      expect(safeReturnPath(value)).toBe('/');
    }
  });

  it('never returns to the login page itself', () => {
    expect(safeReturnPath('/login')).toBe('/');
    expect(safeReturnPath('/login?next=%2F')).toBe('/');
  });
});
