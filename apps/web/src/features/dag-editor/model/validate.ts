import { validateDag } from '@cyclone/dag';
import { isDnsLabel, isDuration } from './checks';
import type { EditorDoc } from './types';

export interface EditorIssue {
  /** The stage the problem is on, when there is one. */
  stage?: string;
  code: string;
  message: string;
}

/** Everything that keeps the workflow from being saved, per stage (graph rules from @cyclone/dag). */
export function validateDoc(doc: EditorDoc): EditorIssue[] {
  const issues: EditorIssue[] = [];
  if (doc.stages.length === 0) issues.push({ code: 'NO_STAGES', message: 'a workflow needs at least one stage' });
  for (const stage of doc.stages) {
    if (!isDnsLabel(stage.name)) {
      issues.push({
        stage: stage.name,
        code: 'INVALID_NAME',
        message: `stage name "${stage.name}" must be lower-case letters, digits and "-" (at most 63 characters)`,
      });
    }
    if (!stage.image.trim()) {
      issues.push({ stage: stage.name, code: 'NO_IMAGE', message: `stage "${stage.name}" needs an image` });
    }
    if (stage.timeout?.trim() && !isDuration(stage.timeout.trim())) {
      issues.push({
        stage: stage.name,
        code: 'INVALID_TIMEOUT',
        message: `stage "${stage.name}": timeout must be a duration like 90s, 30m or 1h30m`,
      });
    }
    if (!Number.isInteger(stage.retries) || stage.retries < 0 || stage.retries > 10) {
      issues.push({
        stage: stage.name,
        code: 'INVALID_RETRIES',
        message: `stage "${stage.name}": retries must be 0 to 10`,
      });
    }
  }
  const dagIssues = validateDag(
    doc.stages.map((s) => ({
      name: s.name,
      dependsOn: s.dependsOn,
      inputArtifacts: s.inputs.artifacts.filter((a) => a.source).map((a) => ({ name: a.name, source: a.source })),
      outputArtifacts: s.outputs.artifacts.map((a) => a.name),
      when: s.when?.trim() ? s.when.trim() : undefined,
      finally: s.finally,
    })),
  );
  for (const issue of dagIssues) issues.push({ stage: issue.stage, code: issue.code, message: issue.message });
  return issues;
}
