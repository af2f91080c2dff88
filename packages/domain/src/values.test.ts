// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { describe, expect, it } from 'vitest';
import { formatTime, resolveGlobalVariables, secretIntegrations, substitute, ValuesError } from './values.js';

const now = new Date('2026-03-04T05:06:07.089Z');
/** Cycles through fixed numbers so the output is known. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};
const resolve = (value: string, random = sequence(0)) =>
  resolveGlobalVariables([{ name: 'V', value }], { now, random })[0]?.value;

describe('resolveGlobalVariables', () => {
  it('generates random lower-case alphanumerics of the asked length from the injected source', () => {
    expect(resolve('$(random:3)', sequence(0, 0.5, 0.999))).toBe('as9');
    expect(resolve('build-$(random:6)', Math.random)).toMatch(/^build-[a-z0-9]{6}$/);
    expect(resolve('$(random:256)', Math.random)).toHaveLength(256);
  });

  it('draws fresh characters for each generator in a value', () => {
    expect(resolve('$(random:1)-$(random:1)', sequence(0, 1 / 36))).toBe('a-b');
  });

  it('rejects a random length that is not 1..256, naming the variable', () => {
    for (const bad of ['0', '257', 'x', '', '-1', '1.5']) {
      expect(() => resolve(`$(random:${bad})`)).toThrow(ValuesError);
    }
    expect(() => resolve('$(random:0)')).toThrow('variable "V": $(random:0) needs a length from 1 to 256');
  });

  it('formats the run time with Go layouts', () => {
    expect(resolve('$(timenow:2006-01-02T15:04:05Z07:00)')).toBe('2026-03-04T05:06:07Z');
    expect(resolve('v$(timenow:20060102150405)')).toBe('v20260304050607');
  });

  it('rejects an empty layout', () => {
    expect(() => resolve('$(timenow:)')).toThrow('needs a layout');
  });

  it('leaves plain values, shell substitutions and escaped generators alone', () => {
    expect(resolve('plain')).toBe('plain');
    expect(resolve('$(date) $(random)')).toBe('$(date) $(random)');
    expect(resolve('$$(random:3) $$(timenow:2006)')).toBe('$(random:3) $(timenow:2006)');
  });

  it('keeps names and order', () => {
    const vars = [
      { name: 'A', value: '1' },
      { name: 'B', value: '$(random:2)' },
    ];
    expect(resolveGlobalVariables(vars, { now, random: sequence(0) })).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'aa' },
    ]);
  });
});

describe('formatTime', () => {
  it('supports every documented token and keeps other characters literal', () => {
    expect(formatTime(now, '2006/01/02 15:04:05.000 -07:00 -0700 MST')).toBe(
      '2026/03/04 05:06:07.089 +00:00 +0000 UTC',
    );
    expect(formatTime(now, 'at 15h')).toBe('at 05h');
    expect(formatTime(new Date('2026-12-31T23:59:59Z'), '2006-01-02 15:04:05')).toBe('2026-12-31 23:59:59');
  });
});

describe('substitute', () => {
  const context = {
    variables: [
      { name: 'TAG', value: 'build-x' },
      { name: 'LOOP', value: '${variables.TAG}' },
    ],
    stages: new Map([
      [
        'a',
        [
          { key: 'version', value: '1.2.3' },
          { key: 'key.with.dots', value: 'd' },
        ],
      ],
    ]),
  };

  it('replaces variables and upstream outputs', () => {
    expect(substitute('echo ${stages.a.outputs.version} ${variables.TAG}', context)).toBe('echo 1.2.3 build-x');
    expect(substitute('${stages.a.outputs.key.with.dots}', context)).toBe('d');
  });

  it('does not scan substituted values again', () => {
    expect(substitute('${variables.LOOP}', context)).toBe('${variables.TAG}');
  });

  it('leaves other ${...} for the shell and unescapes $${...}', () => {
    expect(substitute('${HOME} $HOME ${other.x}', context)).toBe('${HOME} $HOME ${other.x}');
    expect(substitute('$${variables.TAG} $${stages.a.outputs.version}', context)).toBe(
      '${variables.TAG} ${stages.a.outputs.version}',
    );
  });

  it('names an unknown reference', () => {
    expect(() => substitute('${variables.NOPE}', context)).toThrow(
      'unknown reference ${variables.NOPE}: no variable "NOPE"',
    );
    expect(() => substitute('${stages.b.outputs.version}', context)).toThrow(
      'unknown reference ${stages.b.outputs.version}: "b" is not a succeeded upstream stage',
    );
    expect(() => substitute('${stages.a.outputs.nope}', context)).toThrow(
      'unknown reference ${stages.a.outputs.nope}: stage "a" has no output "nope"',
    );
    expect(() => substitute('${stages.a.version}', context)).toThrow(ValuesError);
    expect(() => substitute('${variables.}', context)).toThrow('no variable ""');
  });
});

describe('substitute: secrets', () => {
  const secrets = new Map([['vault', { token: 't0ken', empty: '' }]]);
  const base = { variables: [], stages: new Map() };

  it('resolves ${secrets.INTEGRATION.FIELD} and records every value used', () => {
    const usedSecrets = new Set<string>();
    expect(substitute('a ${secrets.vault.token} b', { ...base, secrets, usedSecrets })).toBe('a t0ken b');
    expect([...usedSecrets]).toEqual(['t0ken']);
    expect(substitute('$${secrets.vault.token}', { ...base, secrets })).toBe('${secrets.vault.token}');
  });

  it('names an unknown integration or field without any value', () => {
    expect(() => substitute('${secrets.nope.token}', { ...base, secrets })).toThrow(
      'unknown reference ${secrets.nope.token}: no integration "nope" in this tenant',
    );
    expect(() => substitute('${secrets.vault.password}', { ...base, secrets })).toThrow(
      'unknown reference ${secrets.vault.password}: integration "vault" has no secret field "password"',
    );
    expect(() => substitute('${secrets.vault}', { ...base, secrets })).toThrow('expected ${secrets.INTEGRATION.FIELD}');
    expect(() => substitute('${secrets.vault.token}', base)).toThrow(ValuesError);
  });

  it('lists the integrations a text refers to, not escaped ones', () => {
    expect([...secretIntegrations(['${secrets.a.x} ${secrets.b.y}', '$${secrets.c.z}', '${secrets.a.w}'])]).toEqual([
      'a',
      'b',
    ]);
  });
});
