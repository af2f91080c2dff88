// Type declarations for builder-images.mjs.
export const BUILDAH_IMAGE: string;
export const GO_IMAGE: string;
export const BUILDER_DOCKERFILES: Readonly<Record<string, string>>;
/** Builds both images on the engine at dockerHost; returns their tags. */
export function buildBuilderImages(dockerHost: string): string[];
/** Loads the cached images into the engine (building and caching them first when needed); returns their tags. */
export function ensureBuilderImages(dockerHost: string): string[];
