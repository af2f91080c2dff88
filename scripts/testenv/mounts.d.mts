// Type declarations for mounts.mjs.
export function unmountUnder(dir: string): void;
