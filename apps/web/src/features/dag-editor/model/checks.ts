import { durationTextToMs } from '@cyclone/domain';

/**
 * The name and duration rules of packages/domain without its zod schemas, which would add
 * ~30 kB (gzip) to the editor's first load; the API validates everything again on save.
 */
const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX_LENGTH = 63;

export function isDnsLabel(value: string): boolean {
  return value.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL_PATTERN.test(value);
}

/** `90s`, `30m`, `1h30m`, as `durationTextSchema` accepts. */
export function isDuration(text: string): boolean {
  try {
    durationTextToMs(text);
    return true;
  } catch {
    return false;
  }
}
