// Type declarations for cluster-network.mjs.
export const CLUSTER_DOMAIN: string;
export function corednsBinary(): string;
