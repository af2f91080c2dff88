import type { Db } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** Largest payload kept (after stripping): a replay needs the event, not a whole monorepo's file list. */
export const MAX_KEPT_PAYLOAD_BYTES = 256 * 1024;

/** Object keys whose values are never kept: credentials a server may echo back. */
const SECRET_KEY = /secret|token|passw|private|authorization|credential|signature|api[_-]?key|cookie/i;
/** user:password@ in URLs (clone URLs of self-hosted servers can carry them). */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
/** Token shapes of GitHub, GitLab, Bitbucket and Slack, wherever they appear in a string. */
const TOKEN_SHAPE =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})/g;
export const STRIPPED = '[stripped]';

/**
 * What a verified delivery keeps of its body for explaining and replaying it: the JSON
 * with secret-named fields, URL credentials and token-shaped strings replaced by
 * "[stripped]"; undefined when even that is larger than MAX_KEPT_PAYLOAD_BYTES.
 */
export function keptPayload(payload: unknown): Prisma.InputJsonValue | undefined {
  const stripped = strip(payload);
  if (Buffer.byteLength(JSON.stringify(stripped), 'utf8') > MAX_KEPT_PAYLOAD_BYTES) return undefined;
  return stripped as Prisma.InputJsonValue;
}

function strip(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, `$1${STRIPPED}@`).replace(TOKEN_SHAPE, STRIPPED);
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) && inner !== null ? STRIPPED : strip(inner),
      ]),
    );
  }
  return value;
}

/**
 * Payloads are kept like runs: the newest `keep` deliveries of an integration keep
 * theirs, older ones lose it (their record stays).
 */
export async function prunePayloads(db: Pick<Db, '$executeRaw'>, integrationId: string, keep: number): Promise<number> {
  return db.$executeRaw`
    UPDATE webhook_deliveries SET payload = NULL
    WHERE integration_id = ${integrationId}::uuid AND payload IS NOT NULL AND id NOT IN (
      SELECT id FROM webhook_deliveries WHERE integration_id = ${integrationId}::uuid AND payload IS NOT NULL
      ORDER BY received_at DESC, id DESC LIMIT ${keep})`;
}
