import { CONTINUED_MARK, maskList, maskSecrets, truncationNotice } from './logs.js';

/** One piece of a line, within the line limit. */
export interface LinePiece {
  /** The piece's text, decoded (a `\r` ending the line is dropped). */
  text: string;
  /** True for every piece of a line after its first: stored with CONTINUED_MARK before it. */
  isContinuation: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const encoder = new TextEncoder();
const MARK_BYTES = encoder.encode(CONTINUED_MARK).length;

/**
 * Turns the bytes of one output stream into lines of at most `maxBytes` bytes, holding
 * at most about one line limit of it: a longer line (or output that never ends a line)
 * is given in pieces as it arrives, the first as is and the others marked as
 * continuations (their limit leaves room for the mark). Pieces are cut on a UTF-8
 * character boundary, and never inside a secret value (a value that straddles the
 * limit goes whole into the next piece), so each piece can be masked on its own.
 *
 * Where a line is cut depends on its bytes only, never on how they were chunked: a
 * stream read twice (the container executor after a restart) gives the same pieces.
 * Pure (Uint8Array, TextDecoder): the API and the stage helper share it.
 */
export class LineCutter {
  private parts: Uint8Array[] = [];
  private size = 0;
  private isContinuing = false;
  private readonly secrets: Uint8Array[];
  /** Bytes kept past the limit so a secret that straddles it is seen whole. */
  private readonly hold: number;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly maxBytes: number,
    secrets: readonly string[] = [],
  ) {
    if (maxBytes <= MARK_BYTES) throw new Error(`a line limit must be more than ${MARK_BYTES} bytes`);
    this.secrets = maskList(secrets)
      .filter((secret) => !secret.includes('\n'))
      .map((secret) => encoder.encode(secret))
      .filter((secret) => secret.length < maxBytes - MARK_BYTES);
    this.hold = Math.max(0, ...this.secrets.map((secret) => secret.length - 1));
  }

  /** The pieces a chunk completes; the rest waits for the next chunk or `end`. */
  push(chunk: Uint8Array): LinePiece[] {
    const pieces: LinePiece[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      this.append(chunk.subarray(start, end === -1 ? chunk.length : end));
      this.cutWhileFull(pieces);
      if (end === -1) return pieces;
      this.finishLine(pieces);
      start = end + 1;
    }
  }

  /** The last line, when the stream ends without a newline. */
  end(): LinePiece[] {
    const pieces: LinePiece[] = [];
    if (this.size > 0) this.finishLine(pieces);
    this.isContinuing = false;
    return pieces;
  }

  private get limit(): number {
    return this.isContinuing ? this.maxBytes - MARK_BYTES : this.maxBytes;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private take(): Uint8Array {
    let all: Uint8Array;
    if (this.parts.length === 1) all = this.parts[0] as Uint8Array;
    else {
      all = new Uint8Array(this.size);
      let at = 0;
      for (const part of this.parts) {
        all.set(part, at);
        at += part.length;
      }
    }
    this.parts = [];
    this.size = 0;
    return all;
  }

  /** Gives pieces while more than a limit (and the secret margin) waits. */
  private cutWhileFull(pieces: LinePiece[]): void {
    if (this.size <= this.limit + this.hold) return;
    const all = this.take();
    let from = 0;
    while (all.length - from > this.limit + this.hold) {
      // The window shows the byte after the limit too: is it a character's first byte?
      const at = this.cutPoint(all.subarray(from, from + this.limit + this.hold + 1));
      this.give(pieces, all.subarray(from, from + at));
      from += at;
    }
    this.append(all.subarray(from));
  }

  private finishLine(pieces: LinePiece[]): void {
    let rest = this.take();
    if (rest.length > 0 && rest[rest.length - 1] === CARRIAGE_RETURN) rest = rest.subarray(0, -1);
    while (rest.length > this.limit) {
      const at = this.cutPoint(rest);
      this.give(pieces, rest.subarray(0, at));
      rest = rest.subarray(at);
    }
    // A line that filled its last piece exactly (its `\r` dropped) has nothing left to say.
    if (rest.length > 0 || !this.isContinuing) this.give(pieces, rest);
    this.isContinuing = false;
  }

  private give(pieces: LinePiece[], bytes: Uint8Array): void {
    pieces.push({ text: this.decoder.decode(bytes), isContinuation: this.isContinuing });
    this.isContinuing = true;
  }

  /**
   * Where to cut `window` (longer than the limit): at the limit, moved back to a
   * character start and before a secret that straddles it.
   */
  private cutPoint(window: Uint8Array): number {
    const limit = Math.min(this.limit, window.length);
    let at = limit;
    // 10xxxxxx bytes continue a character.
    while (at > 0 && ((window[at] as number) & 0xc0) === 0x80) at -= 1;
    if (at === 0) at = limit;
    for (let isMoved = true; isMoved; ) {
      isMoved = false;
      for (const secret of this.secrets) {
        const found = straddling(window, secret, at);
        if (found > 0) {
          at = found;
          isMoved = true;
        }
      }
    }
    return at;
  }
}

/** Where `secret` starts in `window` so that it spans position `at` (starts before, ends after); -1 if it does not. */
function straddling(window: Uint8Array, secret: Uint8Array, at: number): number {
  const first = secret[0] as number;
  for (let start = Math.max(0, at - secret.length + 1); start < at; start++) {
    if (window[start] !== first || start + secret.length > window.length) continue;
    let isMatch = true;
    for (let i = 1; i < secret.length && isMatch; i++) isMatch = window[start + i] === secret[i];
    if (isMatch) return start;
  }
  return -1;
}

/**
 * The text stored for a piece of a stage's output: secret values masked, NUL (which
 * Postgres text cannot hold) replaced, a continuation marked.
 */
export function pieceText(piece: LinePiece, maskedSecrets: readonly string[]): string {
  const raw = piece.text.includes('\u0000') ? piece.text.replaceAll('\u0000', '\uFFFD') : piece.text;
  const masked = maskedSecrets.length > 0 ? maskSecrets(raw, maskedSecrets) : raw;
  return piece.isContinuation ? CONTINUED_MARK + masked : masked;
}

/**
 * Counts an attempt's stored log against its limit: a stage's line is taken while it
 * fits; the first that does not is replaced by the truncation notice and every later
 * one is dropped. Cyclone's own lines are always kept (and counted).
 */
export class LogBudget {
  private bytes: number;
  private truncated: boolean;

  constructor(
    private readonly maxLogBytes: number,
    stored: { bytes: number; isTruncated: boolean } = { bytes: 0, isTruncated: false },
  ) {
    this.bytes = stored.bytes;
    this.truncated = stored.isTruncated;
  }

  get storedBytes(): number {
    return this.bytes;
  }

  get isTruncated(): boolean {
    return this.truncated;
  }

  /** The line to store for a stage's line `text`: itself, the truncation notice (once), or undefined. */
  admit(text: string): string | undefined {
    if (this.truncated) return undefined;
    const size = utf8Length(text);
    if (this.bytes + size > this.maxLogBytes) {
      this.truncated = true;
      return truncationNotice(this.maxLogBytes);
    }
    this.bytes += size;
    return text;
  }

  /** Counts one of Cyclone's own lines (kept whatever the budget). */
  own(text: string): void {
    this.bytes += utf8Length(text);
  }
}

/** The UTF-8 size of a text, without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A surrogate pair: 2 UTF-16 units, 4 bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i += 1;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** `text` within `maxBytes` of UTF-8, cut at a character boundary (a text within it is returned as is). */
export function cutToBytes(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 3 || utf8Length(text) <= maxBytes) return text;
  const bytes = encoder.encode(text);
  let at = maxBytes;
  while (at > 0 && ((bytes[at] as number) & 0xc0) === 0x80) at -= 1;
  return new TextDecoder().decode(bytes.subarray(0, at));
}
