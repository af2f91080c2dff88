import { fromApiStage, type StageInput, toStageInput } from '@/features/dag-editor/model/serialize';
import type { EditorStage } from '@/features/dag-editor/model/types';

/** What the "edit and retry" form changes of a failed stage. */
export interface StageEdits {
  image: string;
  /** One argument per line. */
  command: string;
  /**
   * The arguments: verbatim when the stage runs a script (`sh -c <script>`: one argument,
   * which may span lines), else one per line.
   */
  args: string;
  /** `NAME=value` per line. */
  env: string;
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** A stage whose one argument is a shell script (`sh -c`, `bash -c`): edited as one text. */
export function runsScript(stage: Pick<EditorStage, 'command' | 'args'>): boolean {
  return stage.args.length === 1 && stage.command[stage.command.length - 1] === '-c';
}

export function editsOf(stage: EditorStage): StageEdits {
  return {
    image: stage.image,
    command: stage.command.join('\n'),
    args: runsScript(stage) ? (stage.args[0] ?? '') : stage.args.join('\n'),
    env: stage.env.map(({ name, value }) => `${name}=${value}`).join('\n'),
  };
}

/**
 * The override a retry sends: the stage as the run's version had it, with the edited
 * image, command, arguments and environment (a line without `=` is a name with an empty value).
 */
export function overrideOf(stage: EditorStage, edits: StageEdits): StageInput {
  return toStageInput({
    ...stage,
    image: edits.image,
    command: lines(edits.command),
    args: runsScript(stage) ? [edits.args] : lines(edits.args),
    env: lines(edits.env).map((line) => {
      const at = line.indexOf('=');
      return at === -1
        ? { name: line.trim(), value: '' }
        : { name: line.slice(0, at).trim(), value: line.slice(at + 1) };
    }),
  });
}

export { fromApiStage };
