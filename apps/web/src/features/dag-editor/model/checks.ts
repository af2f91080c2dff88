import { durationTextToMs } from '@cyclone/domain/core';

/**
 * The name and duration rules come from `@cyclone/domain/core`, which has no zod schemas
 * (they would add ~30 kB gzip to the editor's first load); the API validates everything
 * again on save.
 */
export { isDnsLabel } from '@cyclone/domain/core';

/** `90s`, `30m`, `1h30m`, as `durationTextSchema` accepts. */
export function isDuration(text: string): boolean {
  try {
    durationTextToMs(text);
    return true;
  } catch {
    return false;
  }
}
