import { request } from '@/lib/graphql/client';
import { layoutStages } from '../layout/layout';
import { type DiffLine, diffLines } from '../model/diff';
import { fromApiStage, stageLines, toStageInput } from '../model/serialize';
import type { EditorDoc, EditorStage } from '../model/types';
import type { WorkflowMeta } from '../model/yaml-doc';
import {
  CreateWorkflowDocument,
  type EditorWorkflow,
  type SaveWorkflowInput,
  UpdateWorkflowDocument,
} from './editor.documents';
import { metaLines } from './workflow-meta-drawer';

/** The editor document of a saved workflow, laid out; stages already placed in `keep` stay put. */
export function docFromWorkflow(workflow: EditorWorkflow | null | undefined, keep?: EditorDoc): EditorDoc {
  return placeStages((workflow?.stages ?? []).map(fromApiStage), keep);
}

/** The stages laid out, except those already placed in `keep` (they stay where the user put them). */
export function placeStages(stages: EditorStage[], keep?: EditorDoc): EditorDoc {
  const laidOut = layoutStages(stages);
  const positions = Object.fromEntries(
    stages.map((s) => [s.name, keep?.positions[s.name] ?? laidOut[s.name] ?? { x: 0, y: 0 }]),
  );
  return { stages, positions };
}

/** What was last saved: the dirty check and the save diff compare with it. */
export interface Baseline {
  name?: string;
  meta: WorkflowMeta;
  version?: number;
  stages: EditorStage[];
}

export const metaOf = (workflow: EditorWorkflow | null | undefined): WorkflowMeta => ({
  description: workflow?.description ?? '',
  globalVariables: (workflow?.globalVariables ?? []).map(({ name, value }) => ({ name, value })),
  acceleration: workflow?.acceleration ?? false,
});

export const baselineOf = (workflow: EditorWorkflow | null | undefined): Baseline => ({
  name: workflow?.name,
  meta: metaOf(workflow),
  version: workflow?.version,
  stages: (workflow?.stages ?? []).map(fromApiStage),
});

/** Text lines of a workflow for the dirty check and the save diff. */
export const workflowLines = (meta: WorkflowMeta, stages: readonly EditorStage[]) => [
  ...metaLines(meta),
  ...stageLines(stages),
];

export interface SavedVersion {
  version: number;
  previousVersion?: number;
  diff: DiffLine[];
}

/**
 * Creates the workflow (no baseline name yet) or saves a new version of it; returns what
 * was stored, the new baseline and the line diff against the previous one.
 */
export async function saveWorkflow(
  ref: { tenant: string; project: string; name: string },
  content: { meta: WorkflowMeta; stages: EditorStage[] },
  baseline: Baseline,
): Promise<{ workflow: EditorWorkflow; baseline: Baseline; saved: SavedVersion }> {
  const input: SaveWorkflowInput = {
    ...ref,
    description: content.meta.description,
    globalVariables: content.meta.globalVariables
      .filter((v) => v.name.trim())
      .map(({ name, value }) => ({ name: name.trim(), value })),
    acceleration: content.meta.acceleration,
    stages: content.stages.map(toStageInput),
  };
  const workflow = baseline.name
    ? (await request(UpdateWorkflowDocument, { input })).updateWorkflow
    : (await request(CreateWorkflowDocument, { input })).createWorkflow;
  const next = baselineOf(workflow);
  return {
    workflow,
    baseline: next,
    saved: {
      version: workflow.version,
      previousVersion: baseline.version,
      diff: diffLines(workflowLines(baseline.meta, baseline.stages), workflowLines(next.meta, next.stages)),
    },
  };
}
