import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { activeTraceFields } from '../observability/trace-context.js';

export type { Logger };

/** Structured JSON logs; request, run, tenant and stage ids go in child loggers' fields. */
export function createLogger(config: Config['logging']): Logger {
  return pino({
    level: config.level,
    base: { service: 'cyclone-api' },
    redact: { paths: ['req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
    // trace_id and span_id of the active span, when tracing is on (docs/operations.md, "Tracing").
    mixin: activeTraceFields,
  });
}
