// Type declarations for base-image.mjs.

export const BASE_IMAGE: string;
export function cacheRoot(): string;
/** Builds the Debian base tarball once per machine and returns its path. */
export function ensureBaseImageTarball(): string;
