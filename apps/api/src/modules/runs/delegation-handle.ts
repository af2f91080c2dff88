import { createHash, randomBytes } from 'node:crypto';

/**
 * The handle of a delegated stage's attempt: `delegation:<sha-256 of its callback token>`.
 * The token itself goes only to the external system; a retry claims a new attempt with
 * a new token, so an old one matches nothing any more.
 */
const DELEGATION = 'delegation:';

export const isDelegationHandle = (handle: string | null): handle is string => handle?.startsWith(DELEGATION) === true;

/** The handle a callback token opens (the token is never stored). */
export const delegationHandleOf = (token: string) => `${DELEGATION}${createHash('sha256').update(token).digest('hex')}`;

/** A new callback token: 32 random bytes, URL-safe. */
export const newDelegationToken = () => randomBytes(32).toString('base64url');
