import { fillDefaults } from '@/features/templates/template-form';
import { fromOutputResource } from '../model/serialize';
import { type EditorStage, emptyStage } from '../model/types';
import type { StageTemplateSummary } from './editor.documents';

/**
 * A new stage that starts from a stage template (its workload, inputs and outputs), with
 * the placeholders that have a default filled in; the others stay for the user to fill.
 */
export function stageFromTemplate(template: StageTemplateSummary): EditorStage {
  const defaults = new Map(
    (template.arguments ?? []).flatMap((a) => (a.value === null ? [] : [[a.name, a.value] as const])),
  );
  const fill = (text: string) => fillDefaults(text, defaults);
  return {
    ...emptyStage(template.name),
    image: fill(template.image),
    command: template.command.map(fill),
    args: template.args.map(fill),
    env: template.env.map(({ name, value }) => ({ name, value: fill(value) })),
    workingDir: template.workingDir ? fill(template.workingDir) : undefined,
    inputs: {
      resources: template.inputs.resources.map(({ name, path }) => ({ name, path: fill(path) })),
      artifacts: template.inputs.artifacts.map(({ name, path }) => ({ name, path: fill(path), source: '' })),
    },
    outputs: {
      resources: template.outputs.resources.map(fromOutputResource),
      artifacts: template.outputs.artifacts.map(({ name, path }) => ({ name, path: fill(path) })),
    },
    template: template.name,
  };
}
