import { describe, expect, it } from 'vitest';
import { givenArguments } from './template-arguments';

describe('givenArguments', () => {
  const declared = [{ name: 'sonarqube' }, { name: 'server' }, { name: 'project-key' }, { name: 'extra-options' }];

  it('sends the fields with a value, as typed, in the declared order', () => {
    expect(
      givenArguments(declared, { 'project-key': 'shop', sonarqube: 'sonar-eu', 'extra-options': ' -Dx=1 ' }),
    ).toEqual([
      { name: 'sonarqube', value: 'sonar-eu' },
      { name: 'project-key', value: 'shop' },
      { name: 'extra-options', value: ' -Dx=1 ' },
    ]);
  });

  it('leaves out empty and blank fields, and values of arguments the template does not declare', () => {
    expect(givenArguments(declared, { server: '', 'project-key': '   ', colour: 'blue' })).toEqual([]);
  });
});
