// Type declarations for builder-images.mjs.
export const BUILDAH_IMAGE: string;
export const GO_IMAGE: string;
export const BUILDER_DOCKERFILES: Readonly<Record<string, string>>;
/** Builds the images (default: both) on the engine at dockerHost; returns their tags. */
export function buildBuilderImages(dockerHost: string, tags?: readonly string[]): string[];
/** Loads the cached image into the engine (building and caching it first when needed); returns its tag. */
export function ensureBuilderImage(dockerHost: string, tag: string): string;
