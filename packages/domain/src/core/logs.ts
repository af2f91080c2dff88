/**
 * What every writer of stage logs does the same way, wherever the lines come from
 * (the API's own executors, the stage helper in a pod, the ingestion route).
 */

/** Longer lines are cut (after masking) so one runaway line cannot hold a whole batch. */
export const MAX_LINE_CHARS = 16_384;

/** What replaces a secret value in a stored line. */
export const MASK = '***';

/**
 * The strings to look for: each secret and each non-blank line of a multi-line one,
 * longest first (so a secret that contains another is masked whole; lines are stored
 * one by one, so a multi-line secret is masked line by line).
 */
export function maskList(secrets: readonly string[]): string[] {
  const parts = new Set<string>();
  for (const secret of secrets) {
    for (const piece of [secret, ...secret.split(/\r?\n/)]) if (piece.trim() !== '') parts.add(piece);
  }
  return [...parts].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each string of a `maskList` in a line with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
  return masked;
}

/** `key:value` lines of a $CYCLONE_RESULTS file; the first colon splits, blank and colon-less lines are ignored. */
export function parseOutputs(text: string): { key: string; value: string }[] {
  const outputs: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    outputs.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
  }
  return outputs;
}
