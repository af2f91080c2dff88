import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in the help, e.g. `--param KEY=VALUE`. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** The synopsis after `cyclone`, e.g. `logs RUN [--stage S] [--follow]`. */
  usage: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /** Shown after the options: examples and notes. */
  details?: string;
  /** Whether the command talks to the API (it then takes --server and --token). */
  isRemote: boolean;
}

/** Every command takes these (docs/contract.md §4). */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  tenant: { type: 'string', value: 'NAME', description: 'tenant (default: the config file, or CYCLONE_TENANT)' },
  project: { type: 'string', value: 'NAME', description: 'project (default: the config file, or CYCLONE_PROJECT)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export const REMOTE_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', value: 'URL', description: 'API address (default: CYCLONE_SERVER, then the config file)' },
  token: { type: 'string', value: 'TOKEN', description: 'API token (default: CYCLONE_TOKEN, then the config file)' },
};

export type OptionValue = string | boolean | string[] | boolean[] | undefined;

export interface ParsedArgs {
  values: Record<string, OptionValue>;
  positionals: string[];
}

export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.isRemote ? REMOTE_OPTIONS : {}), ...COMMON_OPTIONS };
}

/**
 * Parses a command's arguments strictly: an unknown option, a missing value or a
 * wrong number of arguments is a UsageError (exit code 2). `--help` skips the
 * positional check so that `cyclone run --help` works without a workflow.
 */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options = optionsOf(spec);
  let parsed: { values: Record<string, OptionValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError(cleanParseMessage((error as Error).message), spec.name);
  }
  if (parsed.values.help) return parsed;
  const count = parsed.positionals.length;
  if (count < spec.positionals.min) throw new UsageError(`missing arguments: cyclone ${spec.usage}`, spec.name);
  if (count > spec.positionals.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[spec.positionals.max]}"`, spec.name);
  }
  for (const [name, option] of Object.entries(options)) {
    const value = parsed.values[name];
    if (option.type === 'string' && (value === '' || (Array.isArray(value) && (value as unknown[]).includes('')))) {
      throw new UsageError(`--${name} needs a value`, spec.name);
    }
  }
  return parsed;
}

/** Node's messages mention `parseArgs`' own options: keep the part that helps the user. */
function cleanParseMessage(message: string): string {
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}"`;
  return message.split('\n')[0] ?? message;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `--param k=v` values as name/value pairs; the value may itself contain `=`. */
export function parseParams(values: string[], option = '--param'): { name: string; value: string }[] {
  return values.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} "${pair}" must be KEY=VALUE`);
    return { name: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `-o FORMAT` of the commands that print a table, JSON or YAML (read with outputFormat). */
export const OUTPUT_OPTION: OptionSpec = {
  type: 'string',
  short: 'o',
  value: 'FORMAT',
  description: 'table (default), json or yaml',
};

/** A repeatable `-x NAME=VALUE` option (run --param, approve --input, complete --output); read with pairsOption. */
export function pairsOptionSpec(short: string, value: string, description: string): OptionSpec {
  return { type: 'string', short, multiple: true, value, description };
}

/** The NAME=VALUE pairs given to a repeatable option. */
export function pairsOption(args: ParsedArgs, name: string): { name: string; value: string }[] {
  return parseParams(listOption(args, name), `--${name}`);
}

/** `--stage STAGE` of the commands that act on one stage of a run. */
export function stageOptionSpec(description: string): OptionSpec {
  return { type: 'string', value: 'STAGE', description };
}

/** `-f PATH`, repeatable, of the commands that read manifests (manifest-files.ts). */
export const FILENAME_OPTION: OptionSpec = {
  type: 'string',
  short: 'f',
  multiple: true,
  value: 'PATH',
  description: 'a file, a folder or -',
};

export function outputFormat(args: ParsedArgs): OutputFormat {
  const value = stringOption(args, 'output') ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`-o must be one of ${OUTPUT_FORMATS.join(', ')}, not "${value}"`);
  }
  return value as OutputFormat;
}

/** The help of one command, built from its spec so it never drifts from the parser. */
export function formatHelp(spec: CommandSpec): string {
  const options = optionsOf(spec);
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, `${o.description}${o.multiple ? ' (repeatable)' : ''}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    `${spec.summary}`,
    '',
    `Usage: cyclone ${spec.usage}`,
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
  ];
  if (spec.details) lines.push('', spec.details.trimEnd());
  return `${lines.join('\n')}\n`;
}
