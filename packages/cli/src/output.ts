import { stringify } from 'yaml';
import type { OutputFormat } from './args.js';

/** Columns padded to their widest cell, separated by three spaces, like kubectl. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** The data as JSON or YAML, or the table when the format is `table`. */
export function formatOutput(format: OutputFormat, data: unknown, table: () => string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'yaml':
      return stringify(data);
    default:
      return table();
  }
}

/** `850ms`, `42s`, `3m05s`, `2h01m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** How long a run or stage took, or has been running until `now`; empty before it started. */
export function runDuration(
  startedAt: string | null | undefined,
  finishedAt: string | null | undefined,
  now = Date.now(),
) {
  if (!startedAt) return '';
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return formatDuration(end - Date.parse(startedAt));
}

/** `2026-11-26 00:12:03` (UTC): sortable and short. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}`;
}

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function isColourEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** Cyan, green, yellow, blue, magenta, bright red, bright green, bright blue, bright magenta, bright cyan. */
const STAGE_COLOURS = [36, 32, 33, 34, 35, 91, 92, 94, 95, 96] as const;

/** The same stage gets the same colour in every run: a hash of its name picks it. */
export function stageColour(stage: string): number {
  let hash = 0;
  for (const char of stage) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return STAGE_COLOURS[hash % STAGE_COLOURS.length] as number;
}

export function paint(text: string, code: number, isEnabled: boolean): string {
  return isEnabled ? `\u001b[${code}m${text}\u001b[0m` : text;
}

const PHASE_COLOURS: Record<string, number> = {
  SUCCEEDED: 32,
  FAILED: 31,
  CANCELLED: 33,
  SKIPPED: 90,
  RUNNING: 36,
  WAITING: 33,
  PENDING: 90,
};

export function paintPhase(phase: string, isEnabled: boolean): string {
  return paint(phase, PHASE_COLOURS[phase] ?? 0, isEnabled);
}

/** Log lines of several stages, each prefixed with its stage name padded to the widest one seen. */
export class StagePrefixer {
  private width: number;

  constructor(
    stages: readonly string[],
    private readonly isColoured: boolean,
  ) {
    this.width = Math.max(0, ...stages.map((s) => s.length));
  }

  format(stage: string, line: string): string {
    this.width = Math.max(this.width, stage.length);
    return `${paint(stage.padEnd(this.width), stageColour(stage), this.isColoured)} | ${line}`;
  }
}
