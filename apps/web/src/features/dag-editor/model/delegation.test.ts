import { describe, expect, it } from 'vitest';
import { canonicalJson, configToText, isDelegationUrl, parseConfigText, urlHost } from './delegation';
import { fromApiStage, stageLines, toStageInput } from './serialize';
import { delegatedStage, type EditorStage } from './types';
import { validateDoc } from './validate';
import { docToYaml, yamlToDoc } from './yaml-doc';

const meta = { description: '', globalVariables: [], acceleration: false };

const jenkins = (config?: unknown): EditorStage => ({
  ...delegatedStage('jenkins'),
  dependsOn: ['build'],
  retries: 1,
  timeout: '2h',
  delegation: { type: 'Jenkins', url: 'https://ci.example.com:8443/cyclone-hook', ...(config ? { config } : {}) },
});

const build: EditorStage = { ...delegatedStage('build'), delegation: undefined, image: 'alpine:3' };

describe('delegated stages in the editor model', () => {
  it('need a type and an http(s) URL, not an image', () => {
    const issues = (stage: EditorStage) => validateDoc({ stages: [build, stage], positions: {} }).map((i) => i.message);
    expect(issues(jenkins())).toEqual([]);
    expect(issues(delegatedStage('hand-off'))).toEqual([
      'stage "hand-off": needs the type of system it hands its work to',
      'stage "hand-off": needs the URL it hands its work to',
    ]);
    const bad = { ...delegatedStage('hand-off'), delegation: { type: 'x'.repeat(64), url: 'ftp://ci.example.com' } };
    expect(validateDoc({ stages: [bad], positions: {} }).map((i) => i.code)).toEqual([
      'INVALID_DELEGATION_TYPE',
      'INVALID_DELEGATION_URL',
    ]);
    expect(isDelegationUrl('https://user:secret@ci.example.com/x')).toBe(false);
    expect(isDelegationUrl('http://127.0.0.1:8080/job')).toBe(true);
    expect(urlHost('https://ci.example.com:8443/cyclone-hook')).toBe('ci.example.com:8443');
    expect(urlHost('ci.example')).toBeUndefined();
  });

  it('go to the API as StageInput.delegation (no image, config only when given) and come back as they were', () => {
    const input = toStageInput({
      ...jenkins({ job: 'release', params: [1, 'two'] }),
      delegation: {
        type: ' Jenkins ',
        url: ' https://ci.example.com:8443/cyclone-hook ',
        config: { job: 'release', params: [1, 'two'] },
      },
    });
    expect(input).toMatchObject({
      name: 'jenkins',
      image: '',
      retries: 1,
      timeout: '2h',
      delegation: {
        type: 'Jenkins',
        url: 'https://ci.example.com:8443/cyclone-hook',
        config: { job: 'release', params: [1, 'two'] },
      },
    });
    expect(input.matrix).toBeUndefined();
    expect(toStageInput(jenkins()).delegation).toEqual({
      type: 'Jenkins',
      url: 'https://ci.example.com:8443/cyclone-hook',
    });
    // The API answers a missing config with null: the editor has no config then.
    const stored = { type: 'Jenkins', url: 'https://ci.example.com:8443/cyclone-hook', config: null };
    const back = fromApiStage({ ...toStageInput(jenkins()), delegation: stored });
    expect(back).toEqual(jenkins());
    expect(fromApiStage({ ...input }).delegation?.config).toEqual({ job: 'release', params: [1, 'two'] });
    expect(fromApiStage({ ...toStageInput(build), delegation: null }).delegation).toBeUndefined();
  });

  it('say their delegation in the save diff, equal whatever order the stored config keeps its keys in', () => {
    const typed = stageLines([jenkins({ job: 'release', env: { b: 1, a: 2 } })]);
    expect(typed).toContain('  delegated to Jenkins at https://ci.example.com:8443/cyclone-hook');
    expect(typed).toContain('  delegation config: {"env":{"a":2,"b":1},"job":"release"}');
    expect(stageLines([jenkins({ env: { a: 2, b: 1 }, job: 'release' })])).toEqual(typed);
    expect(stageLines([jenkins()]).join('\n')).not.toContain('delegation config');
    expect(canonicalJson([{ b: 1, a: [{ d: 1, c: 2 }] }])).toBe('[{"a":[{"c":2,"d":1}],"b":1}]');
  });

  it('type their config as JSON text: empty is none, anything else must parse', () => {
    expect(configToText(undefined)).toBe('');
    expect(configToText({ job: 'release' })).toBe('{\n  "job": "release"\n}');
    expect(parseConfigText('  ')).toEqual({ ok: true });
    expect(parseConfigText('{"job": "release"}')).toEqual({ ok: true, config: { job: 'release' } });
    expect(parseConfigText('"a string"')).toEqual({ ok: true, config: 'a string' });
    expect(parseConfigText('{job: release}')).toMatchObject({ ok: false, error: expect.any(String) });
  });
});

describe('delegated stages in the YAML view', () => {
  it('print as a Stage document with spec.delegation and no spec.pod, and read back unchanged', () => {
    const stage = jenkins({ job: 'release', parameters: { channel: 'stable' } });
    const text = docToYaml('ship', meta, [build, stage]);
    const jenkinsDocument = text.split('---\n').find((document) => document.includes('name: jenkins'));
    expect(jenkinsDocument).toBe(
      [
        'apiVersion: cyclone.dev/v1alpha1',
        'kind: Stage',
        'metadata:',
        '  name: jenkins',
        'spec:',
        '  delegation:',
        '    type: Jenkins',
        '    url: https://ci.example.com:8443/cyclone-hook',
        '    config:',
        '      job: release',
        '      parameters:',
        '        channel: stable',
        '',
      ].join('\n'),
    );
    const back = yamlToDoc(text);
    expect(back.ok && back.stages[1]).toEqual(stage);
    // Without a config none is printed, and none comes back.
    const plain = yamlToDoc(docToYaml('ship', meta, [build, jenkins()]));
    expect(plain.ok && plain.stages[1]).toEqual(jenkins());
  });

  it('reads the original Cyclone form (a config given as a string) and refuses a stage with both pod and delegation', () => {
    const text = docToYaml('ship', meta, [{ ...jenkins(), dependsOn: [] }]).replace(
      '    url: https://ci.example.com:8443/cyclone-hook\n',
      '    url: https://ci.example.com:8443/cyclone-hook\n    config: \'{"job": "release"}\'\n',
    );
    const read = yamlToDoc(text);
    expect(read.ok && read.stages[0]?.delegation).toEqual({
      type: 'Jenkins',
      url: 'https://ci.example.com:8443/cyclone-hook',
      config: '{"job": "release"}',
    });
    const both = text.replace(
      'spec:\n  delegation:',
      'spec:\n  pod:\n    spec:\n      containers:\n        - image: alpine\n  delegation:',
    );
    const refused = yamlToDoc(both);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.problems[0]?.message).toBe(
        'documents[0].spec.delegation: a Stage has spec.pod or spec.delegation, not both',
      );
      expect(refused.problems[0]?.line).toBe(both.split('\n').indexOf('  delegation:') + 1);
    }
  });
});
