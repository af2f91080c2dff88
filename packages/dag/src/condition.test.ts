import { describe, expect, it } from 'vitest';
import { type ConditionContext, checkCondition, EMPTY_TRIGGER, evaluateCondition } from './condition.js';

const context: ConditionContext = {
  variables: { ENV: 'prod', COUNT: '3' },
  params: { 'variables.ENV': 'prod' },
  stages: { build: { phase: 'SUCCEEDED', outputs: { version: '1.2.3' } } },
  trigger: { ...EMPTY_TRIGGER, type: 'SCM', branch: 'main', event: 'push', commit: 'abc', author: 'ann' },
  run: { phase: 'RUNNING' },
};

describe('checkCondition', () => {
  it('accepts bool expressions over every name a condition sees', () => {
    for (const expression of [
      "variables['ENV'] == 'prod'",
      "params['variables.ENV'] != ''",
      "stages['build'].outputs['version'].startsWith('1.')",
      "stages['build'].phase == 'SUCCEEDED'",
      "trigger.branch == 'main' && trigger.type == 'SCM'",
      "run.phase == 'FAILED'",
      "int(variables['COUNT']) > 2",
      "'X' in variables",
    ]) {
      expect(checkCondition(expression), expression).toBeUndefined();
    }
  });

  it('names what is wrong: syntax, unknown names, a result that is not a bool, emptiness', () => {
    expect(checkCondition("variables['ENV'] ==")).toMatch(/Unexpected/);
    expect(checkCondition('secrets.token == "x"')).toMatch(/secrets/);
    expect(checkCondition("variables['ENV']")).toBe('must give a bool, not string');
    expect(checkCondition('  ')).toBe('must not be empty');
    expect(checkCondition(`${'true && '.repeat(600)}true`)).toMatch(/at most/);
  });
});

describe('evaluateCondition', () => {
  it('evaluates over the facts', () => {
    expect(evaluateCondition("stages['build'].outputs['version'] == '1.2.3'", context)).toEqual({ value: true });
    expect(evaluateCondition("trigger.branch == 'release'", context)).toEqual({ value: false });
    expect(evaluateCondition("variables.ENV == 'prod' && trigger.author == 'ann'", context)).toEqual({ value: true });
  });

  it('returns an error for an absent key or a bad conversion, never throws', () => {
    expect(evaluateCondition("variables['NOPE'] == 'x'", context)).toEqual({ error: 'No such key: NOPE' });
    expect(evaluateCondition("int(variables['ENV']) > 1", context)).toHaveProperty('error');
    expect(evaluateCondition("stages['ghost'].phase == 'SUCCEEDED'", context)).toHaveProperty('error');
  });
});
