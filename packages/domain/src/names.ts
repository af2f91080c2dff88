import { z } from 'zod';

/** Kubernetes DNS label: every named object in Cyclone follows it (docs/contract.md §2). */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX_LENGTH = 63;

export const dnsLabelSchema = z
  .string()
  .max(DNS_LABEL_MAX_LENGTH, { message: `must be at most ${DNS_LABEL_MAX_LENGTH} characters` })
  .regex(DNS_LABEL_PATTERN, {
    message: 'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
  });

export function isDnsLabel(value: string): boolean {
  return dnsLabelSchema.safeParse(value).success;
}
