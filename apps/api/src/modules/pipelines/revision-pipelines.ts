import type { WorkflowSpec } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import type { Integration } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import { createScmProvider, hasScmCredentials } from '../scm/create-provider.js';
import type { Tx } from '../shared/mutation.js';
import type { ScmEvent } from '../webhooks/scm-event.js';
import { decodePipelineFile, fetchPipelineFile, PipelineFileError } from './revision-workflow.js';

export interface RevisionTrigger {
  id: string;
  name: string;
  workflowId: string;
  workflowName: string;
  projectId: string;
  projectName: string;
  workflowFromRevision: boolean;
}

export interface PlannedRun<T extends RevisionTrigger> {
  trigger: T;
  event: ScmEvent;
  /** Set for triggers that take the workflow from the revision. */
  revisionSpec?: WorkflowSpec;
}

export interface RefusedRun<T extends RevisionTrigger> {
  trigger: T;
  event: ScmEvent;
  reason: string;
}

/**
 * Reads and checks `.cyclone.yaml` at the pushed revision for every match whose
 * trigger takes its workflow from the repository. Matches without a usable file
 * start nothing and say why; an SCM server that cannot be reached throws (the
 * whole delivery fails, so the server's redelivery retries).
 */
export async function planRevisionRuns<T extends RevisionTrigger>(
  db: Db,
  integration: Integration,
  secret: Record<string, string>,
  matches: { trigger: T; event: ScmEvent }[],
): Promise<{ planned: PlannedRun<T>[]; refused: RefusedRun<T>[] }> {
  const planned: PlannedRun<T>[] = [];
  const refused: RefusedRun<T>[] = [];
  const files = new Map<string, Promise<string>>();
  const provider = () => createScmProvider({ type: integration.type, config: integration.config, secret });
  for (const match of matches) {
    if (!match.trigger.workflowFromRevision) {
      planned.push(match);
      continue;
    }
    const key = `${match.event.repo}\n${match.event.ref}\n${match.event.sha}`;
    if (!files.has(key)) files.set(key, fetchPipelineFile(provider(), match.event));
    try {
      const text = await (files.get(key) as Promise<string>);
      const spec = await decodePipelineFile(
        db as unknown as Tx,
        { projectId: match.trigger.projectId, workflowName: match.trigger.workflowName },
        text,
      );
      planned.push({ ...match, revisionSpec: spec });
    } catch (error) {
      if (!(error instanceof PipelineFileError)) throw error;
      refused.push({ ...match, reason: error.message });
    }
  }
  return { planned, refused };
}

/** Tells the SCM server that the commit got no run, and why (best effort: a failure is logged). */
export async function postRefusedStatuses<T extends RevisionTrigger>(
  deps: { logger: Logger; publicUrl?: string },
  integration: Integration,
  secret: Record<string, string>,
  refused: RefusedRun<T>[],
): Promise<void> {
  const scm = { type: integration.type, config: integration.config, secret };
  if (refused.length === 0 || !hasScmCredentials(scm)) return;
  const provider = createScmProvider(scm);
  const base = (deps.publicUrl ?? '').replace(/\/+$/, '');
  for (const { trigger, event, reason } of refused) {
    if (!event.sha) continue;
    const targetUrl = `${base}/projects/${encodeURIComponent(trigger.projectName)}/workflows/${encodeURIComponent(trigger.workflowName)}`;
    try {
      await provider.setCommitStatus(event.repo, event.sha, {
        state: 'failure',
        context: `cyclone/${trigger.workflowName}`,
        targetUrl,
        description: `no run: ${reason}`,
      });
    } catch (error) {
      deps.logger.warn(
        { integration: integration.id, repo: event.repo, sha: event.sha, err: (error as Error).message },
        'could not post the commit status of a refused pipeline file',
      );
    }
  }
}

/** How a delivery's reason mentions the runs it did not start. */
export function describeRefused<T extends RevisionTrigger>(refused: RefusedRun<T>[]): string {
  return refused.map((r) => `trigger "${r.trigger.name}" started no run: ${r.reason}`).join('; ');
}
