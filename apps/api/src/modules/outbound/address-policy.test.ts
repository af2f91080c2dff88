import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../config/address-syntax.js';
import { AddressPolicy, embeddedIpv4 } from './address-policy.js';
import { OutboundPolicy } from './outbound-policy.js';

describe('parseIp', () => {
  it('reads IPv4, IPv6 (compressed, bracketed, with a zone or a dotted tail)', () => {
    expect([...(parseIp('10.1.2.3') ?? [])]).toEqual([10, 1, 2, 3]);
    expect(parseIp('[::1]')?.[15]).toBe(1);
    expect([...(parseIp('::ffff:127.0.0.2') ?? [])].slice(10)).toEqual([0xff, 0xff, 127, 0, 0, 2]);
    expect(parseIp('::ffff:7f00:2')).toEqual(parseIp('::ffff:127.0.0.2'));
    expect(parseIp('fe80::1%eth0')?.[0]).toBe(0xfe);
    expect(parseIp('example.com')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
  });

  it('finds the IPv4 address inside mapped, compatible, NAT64 and 6to4 forms', () => {
    const inner = (text: string) => [...(embeddedIpv4(parseIp(text) as Uint8Array) ?? [])];
    expect(inner('::ffff:169.254.169.254')).toEqual([169, 254, 169, 254]);
    expect(inner('::127.0.0.1')).toEqual([127, 0, 0, 1]);
    expect(inner('64:ff9b::a9fe:a9fe')).toEqual([169, 254, 169, 254]);
    expect(inner('2002:0a00:0001::1')).toEqual([10, 0, 0, 1]);
    expect(inner('2001:db8::1')).toEqual([]);
  });

  it('reads CIDRs and refuses prefixes too long for the family', () => {
    expect(parseCidr('127.0.0.1/32')?.prefix).toBe(32);
    expect(parseCidr('10.0.0.0')?.prefix).toBe(32);
    expect(parseCidr('fd00::/8')?.prefix).toBe(8);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('git.corp')).toBeUndefined();
  });
});

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it('refuses unspecified, loopback, link-local, private and multicast addresses', () => {
    for (const [address, reason] of [
      ['0.0.0.0', 'an unspecified address'],
      ['::', 'an unspecified address'],
      ['127.0.0.1', 'a loopback address'],
      ['127.0.0.2', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['169.254.169.254', 'a link-local address'],
      ['fe80::1', 'a link-local address'],
      ['10.96.0.1', 'a private address'],
      ['172.20.0.1', 'a private address'],
      ['192.168.1.1', 'a private address'],
      ['fd12::1', 'a private (unique local) address'],
      ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
      ['224.0.0.1', 'a multicast address'],
      ['255.255.255.255', 'a reserved address'],
    ]) {
      expect(policy.refusal(address as string), address).toBe(reason);
    }
  });

  it('judges IPv6 forms of IPv4 addresses by the IPv4 address', () => {
    expect(policy.refusal('::ffff:127.0.0.1')).toBe('a loopback address');
    expect(policy.refusal('::ffff:a9fe:a9fe')).toBe('a link-local address');
    expect(policy.refusal('64:ff9b::10.0.0.1')).toBe('a private address');
    expect(policy.refusal('::ffff:8.8.8.8')).toBeUndefined();
  });

  it('lets public addresses through', () => {
    expect(policy.refusal('8.8.8.8')).toBeUndefined();
    expect(policy.refusal('2606:4700::1111')).toBeUndefined();
  });

  it('allows what the operator names, and only that', () => {
    const allowing = new AddressPolicy({ allow: ['127.0.0.1/32', '10.20.0.0/16', 'git.corp', '*.svc.corp'] });
    expect(allowing.refusal('127.0.0.1')).toBeUndefined();
    expect(allowing.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(allowing.refusal('127.0.0.2')).toBe('a loopback address');
    expect(allowing.refusal('10.20.5.5')).toBeUndefined();
    expect(allowing.refusal('10.21.0.1')).toBe('a private address');
    expect(allowing.isHostAllowed('git.corp')).toBe(true);
    expect(allowing.isHostAllowed('GIT.corp.')).toBe(true);
    expect(allowing.isHostAllowed('registry.svc.corp')).toBe(true);
    expect(allowing.isHostAllowed('svc.corp')).toBe(false);
    expect(allowing.isHostAllowed('evil-git.corp')).toBe(false);
  });

  it("refuses the API's own addresses and ranges the operator denies", () => {
    const own = new AddressPolicy({ ownAddresses: ['203.0.113.7'], deny: ['34.118.224.0/20'] });
    expect(own.refusal('203.0.113.7')).toBe("one of the API's own addresses");
    expect(own.refusal('34.118.230.1')).toBe('an address the operator refuses');
    expect(own.refusal('34.119.0.1')).toBeUndefined();
  });

  it('refuses entries that are neither CIDRs nor host names', () => {
    expect(() => new AddressPolicy({ allow: ['not a host'] })).toThrow(/neither a CIDR/);
  });
});

describe('OutboundPolicy', () => {
  const resolve = async (hostname: string) => {
    if (hostname === 'metadata.test') return [{ address: '169.254.169.254', family: 4 }];
    if (hostname === 'mixed.test') {
      return [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ];
    }
    return [{ address: '93.184.215.14', family: 4 }];
  };
  const policy = new OutboundPolicy({ resolve, allow: ['git.corp'] });

  it('refuses a name when any of its addresses is refused, naming the class but not the address', async () => {
    await expect(policy.resolveChecked('metadata.test')).rejects.toThrow(
      /^metadata\.test resolves to a link-local address, which calls made for tenants may not reach/,
    );
    const error = await policy.resolveChecked('mixed.test').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'EOUTBOUND_REFUSED' });
    expect((error as Error).message).not.toContain('10.0.0.5');
    await expect(policy.resolveChecked('example.test')).resolves.toHaveLength(1);
  });

  it('checks literals without resolving them', () => {
    expect(() => policy.checkLiteral('[::ffff:169.254.169.254]')).toThrow(/is a link-local address/);
    expect(() => policy.checkLiteral('93.184.215.14')).not.toThrow();
    expect(() => policy.checkLiteral('metadata.test')).not.toThrow();
  });

  it('answers net lookups in both shapes, and fails them for refused names', async () => {
    const lookup = (hostname: string, all: boolean) =>
      new Promise((done) =>
        policy.lookup(hostname, { all }, (error: unknown, address: unknown, family?: unknown) =>
          done({ error: (error as { code?: string } | null)?.code, address, family }),
        ),
      );
    expect(await lookup('example.test', false)).toEqual({ error: undefined, address: '93.184.215.14', family: 4 });
    expect(await lookup('example.test', true)).toMatchObject({ address: [{ address: '93.184.215.14', family: 4 }] });
    expect(await lookup('metadata.test', false)).toMatchObject({ error: 'EOUTBOUND_REFUSED' });
  });
});
