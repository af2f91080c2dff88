import { describe, expect, it } from 'vitest';
import { resolveClientIp } from './client-ip.js';

describe('resolveClientIp', () => {
  it('uses the connection address and ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(resolveClientIp('::ffff:10.0.0.5', '1.2.3.4', 0)).toBe('10.0.0.5');
  });

  it('takes the entry the trusted proxy appended, not what the client sent', () => {
    // client forged "6.6.6.6"; the proxy (10.0.0.1) appended the real address 203.0.113.7
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(resolveClientIp('10.0.0.1', ['6.6.6.6', '203.0.113.7, 10.0.0.2'], 2)).toBe('203.0.113.7');
  });

  it('falls back to the leftmost entry when there are fewer entries than trusted hops', () => {
    expect(resolveClientIp('10.0.0.1', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(resolveClientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(resolveClientIp(undefined, undefined, 0)).toBeUndefined();
  });
});
