// Type declarations for app-images.mjs.
export const APP_IMAGE_REPOSITORY: string;
export const APP_IMAGE_TAG: string;
export const API_IMAGE: string;
export const WEB_IMAGE: string;
export const HELPER_IMAGE: string;
/** Path of the built archive for the current sources; throws when it is not built. */
export function builtAppImages(): string;
/** Builds the archive when needed and returns its path. */
export function ensureAppImages(): Promise<string>;
