/** The database image of the stage-services tests (redis-server and redis-tools on the Debian base). */
export const SERVICE_IMAGE: string;
export const SERVICE_DOCKERFILE: string;
export function buildServiceImage(dockerHost: string): void;
/** Loads the cached image into the engine, building and caching it first when needed; returns its name. */
export function ensureServiceImage(dockerHost: string): string;
