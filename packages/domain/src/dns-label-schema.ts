import { z } from 'zod';
import { DNS_LABEL_MAX_LENGTH, DNS_LABEL_PATTERN } from './core/dns-label.js';

export const dnsLabelSchema = z
  .string()
  .max(DNS_LABEL_MAX_LENGTH, { message: `must be at most ${DNS_LABEL_MAX_LENGTH} characters` })
  .regex(DNS_LABEL_PATTERN, {
    message: 'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
  });
