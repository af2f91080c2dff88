import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { OutboundSettings } from '../../config/config.js';
import { AddressPolicy } from './address-policy.js';

export type { OutboundSettings } from '../../config/config.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution; tests point names at addresses through it. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A call the outbound policy refused before any connection was made. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUND_REFUSED';

  constructor(
    readonly host: string,
    readonly reason: string,
    isLiteral: boolean,
  ) {
    super(
      `${host} ${isLiteral ? 'is' : 'resolves to'} ${reason}, which calls made for tenants may not reach (an operator may allow it with CYCLONE_OUTBOUND_ALLOW)`,
    );
    this.name = 'OutboundRefusedError';
  }
}

/** A repository on the API's own machine, which a tenant may not fetch unless the operator allows it. */
export class LocalRepositoryRefusedError extends Error {
  readonly code = 'EOUTBOUND_REFUSED';

  constructor(readonly url: string) {
    super(
      `${url} is a repository on the Cyclone server's own machine, which tenants may not fetch (an operator may allow it with CYCLONE_ALLOW_LOCAL_REPOSITORIES=true)`,
    );
    this.name = 'LocalRepositoryRefusedError';
  }
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The outbound policy applied at connect time: names are resolved here and every
 * address is checked before a socket is opened (so a name cannot be re-pointed
 * between the check and the connection), and IP literals are checked as they are.
 */
export class OutboundPolicy {
  readonly addresses: AddressPolicy;
  private readonly resolve: Resolver;

  /** Whether Git/Svn repositories on this machine may be fetched for tenants. */
  readonly allowsLocalRepositories: boolean;

  constructor(
    options: {
      allow?: string[];
      deny?: string[];
      ownAddresses?: string[];
      resolve?: Resolver;
      allowLocalRepositories?: boolean;
    } = {},
  ) {
    this.addresses = new AddressPolicy(options);
    this.resolve = options.resolve ?? systemResolver;
    this.allowsLocalRepositories = options.allowLocalRepositories === true;
  }

  /**
   * Checks a repository URL before git or svn fetch it for a tenant: remote URLs by
   * their host (as any outbound call), repositories on this machine (`file://`, a
   * path) only when the operator allows them, transports that run commands
   * (`ext::…`) never.
   */
  async checkRepositoryUrl(url: string): Promise<void> {
    const text = url.trim();
    if (/^[a-z][a-z0-9+.-]*::/i.test(text)) {
      throw new OutboundRefusedError(text, 'a transport that runs a command', true);
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
    const scpHost = scheme ? undefined : /^(?:[^@/]+@)?([^:/]+):(?!\/)/.exec(text)?.[1];
    if (scheme === 'file' || (!scheme && !scpHost)) {
      if (this.allowsLocalRepositories) return;
      throw new LocalRepositoryRefusedError(text);
    }
    const host = scheme ? new URL(text).hostname : (scpHost as string);
    await this.resolveChecked(host);
  }

  /** Throws OutboundRefusedError for an IP-literal host that may not be reached; names pass (see lookup). */
  checkLiteral(hostname: string): void {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 0) return;
    const reason = this.addresses.refusal(host);
    if (reason) throw new OutboundRefusedError(host, reason, true);
  }

  /** Resolves a host and checks every address; for tools that connect on their own (git, svn). */
  async resolveChecked(hostname: string): Promise<ResolvedAddress[]> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const version = isIP(host);
    if (version !== 0) {
      this.checkLiteral(host);
      return [{ address: host, family: version }];
    }
    const list = await this.resolve(host);
    if (this.addresses.isHostAllowed(host)) return list;
    for (const { address } of list) {
      const reason = this.addresses.refusal(address);
      if (reason) throw new OutboundRefusedError(host, reason, false);
    }
    return list;
  }

  /** A `lookup` for net/http/tls that resolves through the policy and fails before any connection. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveChecked(hostname).then(
      (list) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const addresses = family === 4 || family === 6 ? list.filter((a) => a.family === family) : list;
        const first = addresses[0];
        if (!first) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          });
          return callback(error, '', 0);
        }
        if (options.all) return (callback as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

let current = new OutboundPolicy();

/** Installs the process's policy (at boot, from the configuration). */
export function installOutboundPolicy(policy: OutboundPolicy): void {
  current = policy;
}

/** The process's policy; before installation, everything non-public is refused. */
export function outboundPolicy(): OutboundPolicy {
  return current;
}

/** The policy of a configuration: its allow and deny lists plus this machine's own addresses. */
export function createOutboundPolicy(settings: OutboundSettings, resolve?: Resolver): OutboundPolicy {
  const ownAddresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => entry.address);
  if (settings.serviceHost && isIP(settings.serviceHost)) ownAddresses.push(settings.serviceHost);
  return new OutboundPolicy({
    allow: settings.allow,
    deny: settings.deny,
    ownAddresses,
    resolve,
    allowLocalRepositories: settings.allowLocalRepositories,
  });
}

/**
 * A policy that refuses nothing: only for addresses the operator configured (the
 * in-cluster API server of the pod's own service account), never for tenant input.
 */
export const OPERATOR_TARGET_POLICY = new OutboundPolicy({ allow: ['0.0.0.0/0', '::/0'] });

/** The policy as a Kubernetes client's connect guard (packages/k8s guardConnections). */
export function outboundConnectGuard(policy = outboundPolicy()): {
  lookup: LookupFunction;
  checkHost: (hostname: string) => void;
} {
  return { lookup: policy.lookup, checkHost: (hostname) => policy.checkLiteral(hostname) };
}
