import { describe, expect, it } from 'vitest';
import { runTable, workflowTable } from './commands/get.js';
import {
  formatDuration,
  formatOutput,
  formatTable,
  formatTime,
  isColourEnabled,
  StagePrefixer,
  stageColour,
} from './output.js';

describe('formatTable', () => {
  it('pads every column to its widest cell', () => {
    expect(
      formatTable(
        ['NAME', 'VERSION', 'STAGES'],
        [
          ['shop-ci', '12', '3'],
          ['a', '1', '10'],
        ],
      ),
    ).toBe('NAME      VERSION   STAGES\nshop-ci   12        3\na         1         10\n');
  });

  it('prints the headers alone when there are no rows', () => {
    expect(formatTable(['RUN', 'PHASE'], [])).toBe('RUN   PHASE\n');
  });
});

describe('workflow and run tables', () => {
  it('shows name, version, stages, last run and update time', () => {
    const text = workflowTable([
      {
        name: 'shop-ci',
        version: 3,
        description: '',
        updatedAt: '2026-11-26T00:12:03.456Z',
        stages: [{ name: 'a' }, { name: 'b' }],
        latestRun: { number: 7, phase: 'FAILED', createdAt: '2026-11-26T00:12:03.456Z' },
      },
      { name: 'idle', version: 1, description: '', updatedAt: '2026-11-25T10:00:00Z', stages: [], latestRun: null },
    ]);
    expect(text).toBe(
      [
        'NAME      VERSION   STAGES   LAST RUN    UPDATED',
        'shop-ci   3         2        #7 FAILED   2026-11-26 00:12:03',
        'idle      1         0        -           2026-11-25 10:00:00',
        '',
      ].join('\n'),
    );
  });

  it('shows run id, number, phase, start and duration (running until now)', () => {
    const now = Date.parse('2026-11-26T00:10:00Z');
    const text = runTable(
      [
        {
          id: 'r2',
          number: 2,
          phase: 'RUNNING',
          message: '',
          createdAt: '2026-11-26T00:00:00Z',
          startedAt: '2026-11-26T00:08:55Z',
          finishedAt: null,
          workflow: { name: 'ci' },
        },
        {
          id: 'r1',
          number: 1,
          phase: 'PENDING',
          message: '',
          createdAt: '2026-11-26T00:00:00Z',
          startedAt: null,
          finishedAt: null,
          workflow: { name: 'ci' },
        },
      ],
      now,
    );
    expect(text.split('\n')).toEqual([
      'RUN   WORKFLOW   NUMBER   PHASE     STARTED               DURATION',
      'r2    ci         #2       RUNNING   2026-11-26 00:08:55   1m05s',
      'r1    ci         #1       PENDING   -                     -',
      '',
    ]);
  });
});

describe('formatOutput', () => {
  const data = [{ name: 'a', version: 1 }];
  it('prints JSON and YAML of the data, or the table', () => {
    expect(JSON.parse(formatOutput('json', data, () => 'x'))).toEqual(data);
    expect(formatOutput('yaml', data, () => 'x')).toBe('- name: a\n  version: 1\n');
    expect(formatOutput('table', data, () => 'the table')).toBe('the table');
  });
});

describe('durations and times', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(2 * 3600_000 + 60_000)).toBe('2h01m');
    expect(formatDuration(-1)).toBe('');
  });

  it('formats times in UTC without milliseconds', () => {
    expect(formatTime('2026-11-26T00:12:03.456Z')).toBe('2026-11-26 00:12:03');
    expect(formatTime(null)).toBe('');
  });
});

describe('colours', () => {
  it('are off without a terminal and with NO_COLOR, on with FORCE_COLOR', () => {
    expect(isColourEnabled({ isTTY: true }, {})).toBe(true);
    expect(isColourEnabled({ isTTY: false }, {})).toBe(false);
    expect(isColourEnabled({}, {})).toBe(false);
    expect(isColourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(isColourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(isColourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('give a stage the same colour every time, and different stages different colours mostly', () => {
    expect(stageColour('build')).toBe(stageColour('build'));
    const colours = new Set(['build', 'test', 'lint', 'package', 'deploy', 'scan'].map(stageColour));
    expect(colours.size).toBeGreaterThan(3);
  });

  it('prefix log lines with the padded stage name, coloured only when enabled', () => {
    const plain = new StagePrefixer(['build', 'qa'], false);
    expect(plain.format('qa', 'ok')).toBe('qa    | ok');
    expect(plain.format('build', 'done')).toBe('build | done');
    const coloured = new StagePrefixer(['qa'], true);
    expect(coloured.format('qa', 'ok')).toBe(`\u001b[${stageColour('qa')}mqa\u001b[0m | ok`);
  });
});
