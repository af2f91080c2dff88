import { describe, expect, it } from 'vitest';
import type { RunSnapshot, StageSnapshot } from './follow.js';
import { RunPrinter } from './run-printer.js';

const stage = (name: string, phase: StageSnapshot['phase'], extra: Partial<StageSnapshot> = {}): StageSnapshot => ({
  name,
  phase,
  attempt: phase === 'PENDING' ? 0 : 1,
  exitCode: null,
  message: '',
  startedAt: null,
  finishedAt: null,
  matrix: [],
  ...extra,
});
const run = (phase: RunSnapshot['phase'], stages: StageSnapshot[], extra: Partial<RunSnapshot> = {}): RunSnapshot => ({
  id: 'r1',
  number: 4,
  phase,
  message: '',
  isPaused: false,
  isStopping: false,
  createdAt: '2026-11-26T00:00:00Z',
  startedAt: '2026-11-26T00:00:00Z',
  finishedAt: null,
  workflow: { name: 'ci' },
  stages,
  ...extra,
});

describe('RunPrinter', () => {
  it('prints prefixed lines and only the phase changes', () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['build', 'qa'], false);
    printer.run(run('RUNNING', [stage('build', 'RUNNING'), stage('qa', 'PENDING')]));
    printer.line({ seq: 1, stage: 'build', stream: 'STDOUT', line: 'compiling', timestamp: '' });
    printer.run(run('RUNNING', [stage('build', 'RUNNING'), stage('qa', 'PENDING')]));
    printer.run(
      run(
        'FAILED',
        [
          stage('build', 'SUCCEEDED', {
            exitCode: 0,
            startedAt: '2026-11-26T00:00:00Z',
            finishedAt: '2026-11-26T00:00:02Z',
          }),
          stage('qa', 'FAILED', {
            exitCode: 2,
            attempt: 2,
            message: 'exited with code 2',
            startedAt: '2026-11-26T00:00:02Z',
            finishedAt: '2026-11-26T00:00:03Z',
          }),
        ],
        { finishedAt: '2026-11-26T00:00:03Z', message: 'stage "qa" failed' },
      ),
    );
    expect(out.join('')).toBe(
      [
        '==> stage build RUNNING',
        '==> run #4 of ci RUNNING',
        'build | compiling',
        '==> stage build SUCCEEDED (in 2s, exit 0)',
        '==> stage qa FAILED (attempt 2, in 1s, exit 2, exited with code 2)',
        '==> run #4 of ci FAILED (in 3s, stage "qa" failed)',
        '',
      ].join('\n'),
    );
  });

  it('says why a stage was skipped', () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['deploy'], false, 'deploy');
    printer.run(
      run('RUNNING', [stage('deploy', 'SKIPPED', { message: "skipped: when trigger.branch == 'main' is false" })]),
    );
    expect(out[0]).toBe("==> stage deploy SKIPPED (skipped: when trigger.branch == 'main' is false)\n");
  });

  it("names a matrix combination's values", () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['test'], false);
    const values = [
      { name: 'os', value: 'linux' },
      { name: 'go', value: '1.22' },
    ];
    printer.run(
      run('RUNNING', [stage('test.0', 'FAILED', { matrix: values, exitCode: 2, message: 'exited with code 2' })]),
    );
    expect(out[0]).toBe('==> stage test.0 FAILED (os=linux, go=1.22, exit 2, exited with code 2)\n');
  });

  it('says how to decide an approval stage that waits', () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['sign-off'], false);
    printer.run(run('RUNNING', [stage('sign-off', 'WAITING', { message: 'waiting for 2 approvals' })]));
    expect(out[0]).toBe(
      '==> stage sign-off WAITING (waiting for 2 approvals: cyclone approve|reject r1 --stage sign-off)\n',
    );
  });

  it('reports a pause, and with --stage only that stage', () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['qa'], false, 'qa');
    printer.run(run('RUNNING', [stage('build', 'RUNNING'), stage('qa', 'PENDING')]));
    printer.run(run('WAITING', [stage('build', 'SUCCEEDED'), stage('qa', 'PENDING')], { isPaused: true }));
    expect(out.join('')).toBe('==> run #4 of ci RUNNING\n==> run #4 of ci WAITING (paused)\n');
  });

  it('reports a stop that waits for the finally stages', () => {
    const out: string[] = [];
    const printer = new RunPrinter((t) => out.push(t), ['build', 'cleanup'], false);
    printer.run(run('RUNNING', [stage('build', 'RUNNING')]));
    printer.run(run('RUNNING', [stage('build', 'CANCELLED'), stage('cleanup', 'RUNNING')], { isStopping: true }));
    expect(out.join('')).toContain('==> run #4 of ci RUNNING (stopping: finally stages run)\n');
  });
});
