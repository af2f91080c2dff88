/**
 * What every writer of stage logs does the same way, wherever the lines come from
 * (the API's own executors, the stage helper in a pod, the ingestion route).
 */

/**
 * What a stage may put in front of Cyclone, in bytes; the API's CYCLONE_LOG_LINE_MAX_SIZE,
 * CYCLONE_LOG_MAX_SIZE and CYCLONE_RESULTS_MAX_SIZE (the stage helper gets them too).
 */
export interface OutputLimits {
  /** Longest stored line: a longer one is stored in pieces, the pieces after the first marked. */
  maxLineBytes: number;
  /** Most bytes of one attempt's log: then one line says so and later output is dropped. */
  maxLogBytes: number;
  /** Most bytes of $CYCLONE_RESULTS read; the rest is ignored and a line says so. */
  maxResultsBytes: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  maxLineBytes: 64 * 1024,
  maxLogBytes: 100 * 1024 * 1024,
  maxResultsBytes: 1024 * 1024,
};

/**
 * Starts every further piece of a line longer than the line limit (it is stored as
 * several lines, each within the limit): a reader sees where it was split.
 */
export const CONTINUED_MARK = '[cyclone] continued: ';

/** Starts the line that ends a truncated log (a controller taking an attempt over looks for it). */
export const TRUNCATED_PREFIX = '[cyclone] the log was truncated at';

/** The line stored once an attempt's log reaches its limit. */
export function truncationNotice(maxLogBytes: number): string {
  return `${TRUNCATED_PREFIX} ${maxLogBytes} bytes (CYCLONE_LOG_MAX_SIZE): later output of this attempt is not stored`;
}

/** The line stored when $CYCLONE_RESULTS is larger than its limit. */
export function resultsCutNotice(maxResultsBytes: number): string {
  return `[cyclone] $CYCLONE_RESULTS is larger than ${maxResultsBytes} bytes (CYCLONE_RESULTS_MAX_SIZE): only its first complete lines within that are read`;
}

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

/**
 * The outputs in the head of a $CYCLONE_RESULTS file, read up to `maxBytes + 1` bytes
 * (so a longer file is told apart): of a longer one only the complete lines within
 * `maxBytes` count (`isCut`), never a value cut short.
 */
export function parseResultsHead(
  head: Uint8Array,
  maxBytes: number,
  secrets: readonly string[] = [],
): { outputs: { key: string; value: string }[]; isCut: boolean } {
  const isCut = head.length > maxBytes;
  const within = isCut ? head.subarray(0, head.subarray(0, maxBytes).lastIndexOf(0x0a) + 1) : head;
  // Outputs are shown to every reader of the run, and fill later stages' arguments: a secret's value is masked as in logs.
  const masked = maskList(secrets);
  const outputs = parseOutputs(new TextDecoder().decode(within)).map(({ key, value }) => ({
    key,
    value: masked.length > 0 ? maskSecrets(value, masked) : value,
  }));
  return { outputs, isCut };
}
