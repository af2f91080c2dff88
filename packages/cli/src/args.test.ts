import { describe, expect, it } from 'vitest';
import { type CommandSpec, formatHelp, outputFormat, parseCommandArgs, parseParams } from './args.js';
import { UsageError } from './errors.js';

const spec: CommandSpec = {
  name: 'run',
  summary: 'Start a run.',
  usage: 'run WORKFLOW [--param KEY=VALUE]...',
  isRemote: true,
  positionals: { min: 1, max: 1 },
  options: {
    param: { type: 'string', short: 'p', multiple: true, value: 'KEY=VALUE', description: 'a run parameter' },
    follow: { type: 'boolean', short: 'F', description: 'follow it' },
    output: { type: 'string', short: 'o', description: 'format' },
  },
};

const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('no UsageError');
};

describe('parseCommandArgs', () => {
  it('reads positionals, repeated and short options, and the common ones', () => {
    const args = parseCommandArgs(spec, [
      'ci',
      '-p',
      'a=1',
      '--param',
      'b=x=y',
      '-F',
      '--tenant',
      'acme',
      '--server',
      'h',
    ]);
    expect(args.positionals).toEqual(['ci']);
    expect(args.values).toMatchObject({ param: ['a=1', 'b=x=y'], follow: true, tenant: 'acme', server: 'h' });
  });

  it('rejects unknown options, missing values and wrong argument counts with a usage error', () => {
    expect(usageError(() => parseCommandArgs(spec, ['ci', '--bogus']))).toBe('unknown option --bogus');
    expect(usageError(() => parseCommandArgs(spec, ['ci', '--tenant']))).toBe('--tenant needs a value');
    expect(usageError(() => parseCommandArgs(spec, ['ci', '-o']))).toBe('--output needs a value');
    expect(usageError(() => parseCommandArgs(spec, []))).toContain('missing arguments: cyclone run WORKFLOW');
    expect(usageError(() => parseCommandArgs(spec, ['a', 'b']))).toBe('unexpected argument "b"');
    expect(usageError(() => parseCommandArgs(spec, ['ci', '--project=']))).toBe('--project needs a value');
  });

  it('lets --help through without the arguments', () => {
    expect(parseCommandArgs(spec, ['--help']).values.help).toBe(true);
  });

  it('does not take --server and --token for offline commands', () => {
    expect(usageError(() => parseCommandArgs({ ...spec, isRemote: false }, ['ci', '--token', 't']))).toBe(
      'unknown option --token',
    );
  });
});

describe('parseParams and outputFormat', () => {
  it('splits KEY=VALUE at the first = only', () => {
    expect(parseParams(['A=1', 'B=x=y', 'C='])).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
      { name: 'C', value: '' },
    ]);
    expect(usageError(() => parseParams(['novalue']))).toBe('--param "novalue" must be KEY=VALUE');
    expect(usageError(() => parseParams(['=1']))).toBe('--param "=1" must be KEY=VALUE');
  });

  it('accepts table, json and yaml', () => {
    expect(outputFormat({ values: {}, positionals: [] })).toBe('table');
    expect(outputFormat({ values: { output: 'yaml' }, positionals: [] })).toBe('yaml');
    expect(usageError(() => outputFormat({ values: { output: 'xml' }, positionals: [] }))).toBe(
      '-o must be one of table, json, yaml, not "xml"',
    );
  });
});

describe('formatHelp', () => {
  it('lists every option of the command with the common ones, aligned', () => {
    const help = formatHelp(spec);
    expect(help).toContain('Usage: cyclone run WORKFLOW [--param KEY=VALUE]...');
    expect(help).toContain('  -p, --param KEY=VALUE  a run parameter (repeatable)');
    expect(help).toContain('  -F, --follow           follow it');
    expect(help).toMatch(/ {6}--tenant NAME {6}tenant/);
    expect(help).toContain('--server URL');
  });
});
