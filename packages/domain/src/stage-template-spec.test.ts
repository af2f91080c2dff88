import { describe, expect, it } from 'vitest';
import { resourceSlots, stageTemplateSpecSchema } from './stage-template-spec.js';
import { fillTemplate } from './templates.js';

describe('stageTemplateSpecSchema', () => {
  const template = stageTemplateSpecSchema.parse({
    name: 'build',
    image: '{{ image }}',
    inputs: {
      resources: [
        { type: 'Git', path: '{{ workdir }}' },
        { name: 'config', path: '/config' },
      ],
      arguments: [{ name: 'image' }, { name: 'workdir', value: '/workspace' }],
    },
    outputs: { resources: [{ type: 'Image' }] },
  });

  it('keeps typed slots beside named resources, and fills placeholders in slots too', () => {
    expect(template.inputs.resources).toEqual([
      { type: 'Git', path: '{{ workdir }}' },
      { name: 'config', path: '/config' },
    ]);
    const filled = fillTemplate(template, [{ name: 'image', value: 'alpine' }]);
    expect(filled.inputs.resources[0]).toEqual({ type: 'Git', path: '/workspace' });
    expect(resourceSlots(filled)).toEqual([
      { field: 'inputs.resources[0]', type: 'Git', path: '/workspace' },
      { field: 'outputs.resources[0]', type: 'Image', path: undefined },
    ]);
  });

  it('refuses slots whose type cannot name a resource type', () => {
    const parsed = stageTemplateSpecSchema.safeParse({
      name: 'x',
      image: 'alpine',
      inputs: { resources: [{ type: 'Docker image', path: '/w' }] },
    });
    expect(parsed.success).toBe(false);
  });
});
