// Type declarations for app-images.mjs.
export const APP_IMAGE_REPOSITORY: string;
export const APP_IMAGE_TAG: string;
export const API_IMAGE: string;
export const WEB_IMAGE: string;
export const HELPER_IMAGE: string;
/** Path of the archive for the current sources; throws when it is not built or not pushed to the node's registry. */
export function pushedAppImages(): string;
/** Builds the archive when needed, pushes it to the node's registry once, and returns its path. */
export function ensureAppImages(): Promise<string>;
