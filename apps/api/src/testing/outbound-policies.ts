import { installOutboundPolicy, OutboundPolicy } from '../modules/outbound/outbound-policy.js';

/**
 * For tests that call the outbound clients directly (no API started, so no policy
 * from the configuration): their servers listen on 127.0.0.1, which this allows;
 * every other loopback address and private range stays refused.
 */
export function allowLoopbackTestServers(): void {
  installOutboundPolicy(new OutboundPolicy({ allow: ['127.0.0.1/32'] }));
}

/** For tests that fetch their Git fixtures (bare repositories in temporary folders) without an API. */
export function allowLocalTestRepositories(): void {
  installOutboundPolicy(new OutboundPolicy({ allow: ['127.0.0.1/32'], allowLocalRepositories: true }));
}
