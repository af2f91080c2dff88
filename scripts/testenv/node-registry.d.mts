// Type declarations for node-registry.mjs.
/** Where the real node's registry listens inside the test network namespace (host:port). */
export const NODE_REGISTRY: string;
/** Throws unless set-up pushed this archive to the node registry's storage. */
export function requirePushed(archive: string, command: string): void;
/** Pushes every image of a `docker save` archive to the node registry's storage, once per archive. */
export function pushToNodeRegistry(archive: string, opts?: { aliases?: Record<string, string> }): Promise<void>;
