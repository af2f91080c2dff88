import { type Cidr, isHostPattern, parseCidr, parseIp } from '../../config/address-syntax.js';

/**
 * Which addresses outbound calls made for a tenant may reach (pure; docs/security.md
 * "Outbound policy"). Refused unless the operator's allow-list names them:
 * unspecified, loopback, link-local, private and other non-public ranges, the API's
 * own addresses and any extra ranges the operator denies (e.g. a cluster's service
 * range that is not private). IPv6 forms that carry an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by that IPv4 address as well.
 */

interface Range extends Cidr {
  reason: string;
}

const BUILTIN_REFUSED: [string, string][] = [
  ['0.0.0.0/8', 'an unspecified address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['10.0.0.0/8', 'a private address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.168.0.0/16', 'a private address'],
  ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
  ['192.0.0.0/24', 'a reserved address'],
  ['198.18.0.0/15', 'a reserved address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved address'],
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['fc00::/7', 'a private (unique local) address'],
  ['ff00::/8', 'a multicast address'],
];

export interface AddressPolicyOptions {
  /** CIDRs, single addresses and host names (`git.corp`, `*.corp`) that may be reached anyway. */
  allow?: readonly string[];
  /** Further CIDRs or addresses to refuse (e.g. the cluster's service range). */
  deny?: readonly string[];
  /** The API's own addresses (its interfaces); refused like loopback. */
  ownAddresses?: readonly string[];
}

export class AddressPolicy {
  private readonly allowRanges: Cidr[] = [];
  private readonly allowHosts: string[] = [];
  private readonly refused: Range[];

  constructor(options: AddressPolicyOptions = {}) {
    for (const entry of options.allow ?? []) {
      const cidr = parseCidr(entry);
      if (cidr) this.allowRanges.push(cidr);
      else if (isHostPattern(entry)) this.allowHosts.push(entry.toLowerCase().replace(/\.$/, ''));
      else throw new Error(`"${entry}" is neither a CIDR, an IP address nor a host name`);
    }
    const extra = (list: readonly string[] | undefined, reason: string): Range[] =>
      (list ?? []).map((entry) => {
        const cidr = parseCidr(entry);
        if (!cidr) throw new Error(`"${entry}" is not a CIDR or an IP address`);
        return { ...cidr, reason };
      });
    this.refused = [
      ...BUILTIN_REFUSED.map(([cidr, reason]) => ({ ...(parseCidr(cidr) as Cidr), reason })),
      ...extra(options.ownAddresses, "one of the API's own addresses"),
      ...extra(options.deny, 'an address the operator refuses'),
    ];
  }

  /** Whether the allow-list names this host name (names are allowed whatever they resolve to). */
  isHostAllowed(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return this.allowHosts.some((pattern) =>
      pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern,
    );
  }

  /** Why this address may not be reached, or undefined when it may. */
  refusal(address: string): string | undefined {
    const bytes = parseIp(address);
    if (!bytes) return 'not an IP address';
    const forms = [bytes];
    const inner = bytes.length === 16 ? embeddedIpv4(bytes) : undefined;
    if (inner) forms.push(inner);
    if (forms.some((form) => this.allowRanges.some((cidr) => contains(cidr, form)))) return undefined;
    for (const form of forms) {
      const range = this.refused.find((r) => contains(r, form));
      if (range) return range.reason;
    }
    return undefined;
  }
}

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible (::/96, beyond :: and ::1), NAT64 (64:ff9b::/96) or 6to4 (2002::/16).
 */
export function embeddedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  const isZero = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  if (isZero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12, 16);
  if (isZero(0, 12) && !isZero(12, 15)) return bytes.slice(12, 16);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && isZero(4, 12)) {
    return bytes.slice(12, 16);
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

function contains(cidr: Cidr, bytes: Uint8Array): boolean {
  if (cidr.bytes.length !== bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; i < bytes.length && bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.bytes[i] as number) & mask) !== ((bytes[i] as number) & mask)) return false;
  }
  return true;
}
