import { isIP } from 'node:net';

// Address syntax of the outbound allow and deny lists: parsed when the configuration
// is read (config/env-schema.ts) and when the policy checks an address.

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

/** `a.b.c.d`, an IPv6 address (zone ids dropped), or either with `/prefix`. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined) return undefined;
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { bytes, prefix } : undefined;
}

/** 4 bytes for IPv4, 16 for IPv6; undefined when the text is neither. */
export function parseIp(text: string): Uint8Array | undefined {
  let address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return Uint8Array.from(address.split('.').map(Number));
  if (version !== 6) return undefined;
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    address = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const leftGroups = parse(left);
  const rightGroups = parse(right);
  const zeros = right === undefined ? 0 : 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...new Array<number>(Math.max(zeros, 0)).fill(0), ...rightGroups];
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** A DNS name, optionally `*.` for every name under a domain. */
export function isHostPattern(text: string): boolean {
  return (
    /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\.?$/i.test(text) && text.length <= 253
  );
}

/**
 * Whether a listen address (HOST) only accepts connections from this machine:
 * `localhost` or an address in 127.0.0.0/8 or ::1. `0.0.0.0`, `::` and other names are not.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.trim().toLowerCase() === 'localhost') return true;
  const bytes = parseIp(host.trim());
  if (!bytes) return false;
  if (bytes.length === 4) return bytes[0] === 127;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes[12] === 127;
  return bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
}
