import { describe, expect, it } from 'vitest';
import {
  BIND_INTEGRATION_TYPES,
  bindingSummary,
  blankResourceTypeDraft,
  draftFromResourceType,
  draftToResourceTypeInput,
} from './resource-type-form';

describe('resource type form', () => {
  it('turns the draft into ResourceTypeInput: operations from the checkboxes, blank rows dropped, no binding when empty', () => {
    const draft = {
      ...blankResourceTypeDraft(),
      type: ' oss ',
      resolver: ' registry.example.com/oss-resolver:1 ',
      push: true,
      parameters: [
        { name: 'BUCKET', required: true, description: ' The bucket ' },
        { name: ' ', required: false, description: '' },
      ],
      paramBindings: [{ name: '', value: '' }],
    };
    expect(draftToResourceTypeInput(draft)).toEqual({
      type: 'oss',
      name: null,
      resolver: 'registry.example.com/oss-resolver:1',
      operations: ['pull', 'push'],
      parameters: [{ name: 'BUCKET', required: true, description: 'The bucket' }],
      bind: null,
    });
  });

  it('reads a registered type back and keeps its binding', () => {
    const type = {
      type: 'scm-archive',
      name: 'resource-type-scm-archive',
      resolver: 'r:1',
      operations: ['push'],
      parameters: [{ name: 'SCM_URL', required: true, description: null }],
      bind: { integrationType: 'SCM', paramBindings: [{ name: 'SCM_URL', value: 'scm.server' }] },
    };
    const draft = draftFromResourceType(type);
    expect(draft).toMatchObject({ pull: false, push: true, bindIntegrationType: 'SCM' });
    expect(draftToResourceTypeInput(draft).bind).toEqual({
      integrationType: 'SCM',
      paramBindings: [{ name: 'SCM_URL', value: 'scm.server' }],
    });
    expect(bindingSummary(type.bind)).toBe('SCM: SCM_URL → scm.server');
    expect(bindingSummary(null)).toBe('');
  });
});

describe('binding kinds', () => {
  it("offers Cyclone's integration types beside the original's kinds", () => {
    expect(BIND_INTEGRATION_TYPES).toEqual(
      expect.arrayContaining(['GITHUB', 'HARBOR', 'SONARQUBE', 'KUBERNETES', 'GENERAL']),
    );
  });
});
