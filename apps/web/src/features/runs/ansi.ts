/**
 * A small ANSI SGR parser for log lines: colours (16, 256 and 24-bit), bold, dim,
 * italic, underline and inverse. Other escape sequences (cursor moves, erase, OSC
 * titles and links) are removed. Each line starts unstyled: stage logs are stored per
 * line, and most tools reset their style at the end of a line.
 */

export interface AnsiStyle {
  /** `p0`…`p15` for the 16-colour palette (themeable in CSS), or `#rrggbb`. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI … final byte, OSC … BEL/ST, and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are control characters.
const ESCAPE = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const CUBE = [0, 95, 135, 175, 215, 255];

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0')).join('')}`;
}

/** A 256-colour index as a palette slot (0–15) or a hex colour. */
export function color256(index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index > 255) return undefined;
  if (index < 16) return `p${index}`;
  if (index < 232) {
    const i = index - 16;
    return hex(CUBE[Math.floor(i / 36)] as number, CUBE[Math.floor(i / 6) % 6] as number, CUBE[i % 6] as number);
  }
  const level = 8 + (index - 232) * 10;
  return hex(level, level, level);
}

/** Applies one SGR parameter list (`1;31`, `38;5;208`, `` = reset) to a style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 22) {
      next.bold = undefined;
      next.dim = undefined;
    } else if (code === 23) next.italic = undefined;
    else if (code === 24) next.underline = undefined;
    else if (code === 27) next.inverse = undefined;
    else if (code >= 30 && code <= 37) next.fg = `p${code - 30}`;
    else if (code >= 90 && code <= 97) next.fg = `p${code - 90 + 8}`;
    else if (code >= 40 && code <= 47) next.bg = `p${code - 40}`;
    else if (code >= 100 && code <= 107) next.bg = `p${code - 100 + 8}`;
    else if (code === 39) next.fg = undefined;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      const mode = codes[i + 1];
      let colour: string | undefined;
      if (mode === 5) {
        colour = color256(codes[i + 2] as number);
        i += 2;
      } else if (mode === 2) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]];
        if ([r, g, b].every((v) => v !== undefined && Number.isFinite(v)))
          colour = hex(r as number, g as number, b as number);
        i += 4;
      } else {
        break; // malformed: ignore the rest
      }
      if (colour) {
        if (code === 38) next.fg = colour;
        else next.bg = colour;
      }
    }
  }
  return clean(next);
}

function clean(style: AnsiStyle): AnsiStyle {
  const out: AnsiStyle = {};
  for (const [key, value] of Object.entries(style)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Splits a line into styled segments; escape sequences never reach the text. */
export function parseAnsi(line: string): AnsiSegment[] {
  if (!line.includes('\x1b')) return line ? [{ text: line, style: {} }] : [];
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const previous = segments[segments.length - 1];
    if (previous && sameStyle(previous.style, style)) previous.text += text;
    else segments.push({ text, style });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = (match.index as number) + match[0].length;
    if (match[3] === 'm' && match[2] === '') style = applySgr(style, match[1] ?? '');
  }
  push(line.slice(last));
  return segments;
}

/** The text of a line without its escape sequences (for search and download). */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ESCAPE, '') : line;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AnsiStyle>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
