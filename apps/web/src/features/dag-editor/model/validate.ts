import { validateDag } from '@cyclone/dag';
import { isDnsLabel, isDuration } from './checks';
import { delegationProblems } from './delegation';
import { serviceIssues } from './service-rows';
import type { EditorApproval, EditorDoc } from './types';

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
    issues.push(...serviceIssues(stage));
    if (stage.approval) issues.push(...approvalIssues(stage.name, stage.approval));
    else if (stage.workflow) {
      if (!isDnsLabel(stage.workflow.name.trim())) {
        issues.push({
          stage: stage.name,
          code: 'NO_WORKFLOW',
          message: `stage "${stage.name}" needs the name of the workflow it runs`,
        });
      }
    } else if (stage.delegation) {
      for (const problem of delegationProblems(stage.delegation)) {
        issues.push({ stage: stage.name, code: problem.code, message: `stage "${stage.name}": ${problem.message}` });
      }
    } else if (!stage.image.trim()) {
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

/** What the server refuses of an approval gate's settings, said before saving. */
function approvalIssues(stage: string, approval: EditorApproval): EditorIssue[] {
  const issues: EditorIssue[] = [];
  const add = (code: string, message: string) => issues.push({ stage, code, message: `stage "${stage}": ${message}` });
  if (!Number.isInteger(approval.count) || approval.count < 1 || approval.count > 20) {
    add('INVALID_APPROVAL_COUNT', 'approvals needed must be 1 to 20');
  }
  const users = approval.users.filter((user) => user.trim());
  if (approval.roles.length === 0 && users.length > 0 && approval.count > users.length) {
    add('INVALID_APPROVAL_COUNT', `needs ${approval.count} approvals but names only ${users.length} users`);
  }
  if (approval.timeout?.trim() && !isDuration(approval.timeout.trim())) {
    add('INVALID_TIMEOUT', 'the approval timeout must be a duration like 30m, 24h or 1h30m');
  }
  const names = approval.inputs.map((input) => input.name.trim()).filter(Boolean);
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/.test(name));
  if (bad !== undefined)
    add('INVALID_APPROVAL_INPUT', `input "${bad}" must be a key: a letter or _, then letters, digits, _ . -`);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) add('INVALID_APPROVAL_INPUT', `input "${repeated}" is repeated`);
  return issues;
}
