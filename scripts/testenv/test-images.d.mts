// Type declarations for test-images.mjs.
export const NODE_IMAGE: string;
export const STAGE_HELPER_IMAGE: string;
/** The stage helper as the real node pulls it from its registry. */
export const REGISTRY_STAGE_HELPER_IMAGE: string;
export const PAUSE_IMAGE: string;
export const RESOLVER_IMAGE: string;
export { BUILDAH_IMAGE, GO_IMAGE } from './builder-images.mjs';
export { SERVICE_IMAGE } from './service-image.mjs';
export const TEST_IMAGES: readonly string[];
/** Path of the built archive for the current sources; throws when it is not built. */
export function builtTestImages(): string;
/** builtTestImages(), and throws when set-up did not push it to the node's registry. */
export function pushedTestImages(): string;
/** Builds the archive when needed, pushes it to the node's registry once, and returns its path. */
export function ensureTestImages(): Promise<string>;
