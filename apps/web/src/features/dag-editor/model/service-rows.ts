import { isDnsLabel, isDuration } from './checks';
import type { EditorService, EditorStage } from './types';

/** A service as one row of the stage form: command and readiness as text, words split on spaces. */
export interface ServiceRow {
  name: string;
  image: string;
  command: string;
  /** A port number (ready once it listens) or a command (ready once it exits 0); empty: ready once started. */
  readiness: string;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

function readinessText(service: EditorService): string {
  const readiness = service.readiness;
  if (readiness?.tcpPort !== undefined) return String(readiness.tcpPort);
  return readiness?.command?.join(' ') ?? '';
}

export function serviceRows(services: readonly EditorService[] | undefined): ServiceRow[] {
  return (services ?? []).map((service) => ({
    name: service.name,
    image: service.image,
    command: service.command.join(' '),
    readiness: readinessText(service),
  }));
}

/**
 * The services after the rows were edited. What the row does not show (args, env, the
 * readiness timeout) stays as it was at the same position; a field only becomes words
 * again when its text changed, so quoting the form cannot show is kept.
 */
export function applyServiceRows(previous: readonly EditorService[] | undefined, rows: ServiceRow[]): EditorService[] {
  return rows.map((row, index) => {
    const was = previous?.[index];
    const shown = was ? serviceRows([was])[0] : undefined;
    const command = was && shown?.command === row.command ? was.command : words(row.command);
    const text = row.readiness.trim();
    const timeout = was?.readiness?.timeout;
    const readiness =
      was && shown?.readiness === row.readiness
        ? was.readiness
        : text === ''
          ? undefined
          : /^\d+$/.test(text)
            ? { tcpPort: Number(text), ...(timeout ? { timeout } : {}) }
            : { command: words(text), ...(timeout ? { timeout } : {}) };
    return {
      name: row.name,
      image: row.image,
      command,
      args: was?.args ?? [],
      env: was?.env ?? [],
      ...(readiness ? { readiness } : {}),
    };
  });
}

/** What the server refuses of a stage's services, said before saving (the API checks again). */
export function serviceIssues(stage: EditorStage): { stage: string; code: string; message: string }[] {
  const issues: { stage: string; code: string; message: string }[] = [];
  const add = (message: string) =>
    issues.push({ stage: stage.name, code: 'INVALID_SERVICE', message: `stage "${stage.name}": ${message}` });
  const seen = new Set<string>();
  for (const service of stage.services ?? []) {
    const name = service.name.trim();
    if (name === '') continue;
    if (!isDnsLabel(name) || name.length > 59) {
      add(`service name "${name}" must be lower-case letters, digits and "-" (at most 59 characters)`);
    } else if (name === stage.name) add(`service "${name}" must not have the stage's own name`);
    else if (seen.has(name)) add(`service "${name}" is repeated`);
    seen.add(name);
    if (service.image.trim() === '') add(`service "${name}" needs an image`);
    const port = service.readiness?.tcpPort;
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
      add(`service "${name}": readiness port must be 1 to 65535`);
    }
    const timeout = service.readiness?.timeout;
    if (timeout !== undefined && !isDuration(timeout)) add(`service "${name}": readiness timeout must be a duration`);
  }
  return issues;
}
