import type { WorkflowSpec } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { badInput, notFound } from '../../errors/app-error.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { createScmProvider } from '../scm/create-provider.js';
import { ScmError, type ScmKind, type ScmProvider, scmServerFailure } from '../scm/scm-provider.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { storedSpecSchema } from '../webhooks/scm-delivery.js';
import type { ScmEvent } from '../webhooks/scm-event.js';
import { decodePipelineFile, fetchPipelineFile, PipelineFileError, pipelineFilePath } from './revision-workflow.js';

/** The workflow `.cyclone.yaml` holds at one revision, read for a comparison and never stored. */
export interface PipelineRevision {
  trigger: string;
  repository: string;
  /** The commit SHA (SVN: revision number) read. */
  revision: string;
  /** The branch named in place of a revision, if one was. */
  branch?: string;
  path: string;
  spec: WorkflowSpec;
}

const revisionSchema = z.string().trim().min(1, 'must not be empty').max(255);

/** A commit as the server names it: a Git SHA (or its short form), an SVN revision number. */
function isCommit(kind: ScmKind, revision: string): boolean {
  return kind === 'SVN' ? /^\d+$/.test(revision) : /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(revision);
}

/**
 * Pipelines as code read on demand: what `.cyclone.yaml` says at a revision that
 * may never have run, through the SCM trigger that takes the workflow from its
 * repository. Decoded and checked as a delivery would (resources must exist),
 * so the comparison shows what such a push would run.
 */
export class PipelinesService {
  constructor(private readonly deps: { db: Db; box: SecretBox }) {}

  async revision(
    user: AuthUser,
    workflow: { id: string; name: string; projectId: string },
    args: { revision: string; trigger?: string | null },
  ): Promise<PipelineRevision> {
    const wanted = parseInput(revisionSchema, args.revision, 'revision');
    const project = await this.deps.db.project.findUnique({
      where: { id: workflow.projectId },
      select: { tenant: { select: { name: true } } },
    });
    if (!project) throw notFound('workflow');
    await requireTenantRole(this.deps.db, user, project.tenant.name, 'VIEWER');

    const trigger = await this.pickTrigger(workflow, args.trigger ?? undefined);
    const integration = await this.deps.db.integration.findUnique({ where: { id: trigger.integrationId } });
    if (!integration) throw badInput('trigger', `the integration of trigger "${trigger.name}" no longer exists`);
    const provider = createScmProvider({
      type: integration.type,
      config: integration.config,
      secret: this.deps.box.openJson(integration.secretCiphertext),
    });
    try {
      const at = await this.resolve(provider, trigger.repo, wanted);
      const event: ScmEvent = {
        kind: 'push',
        repo: trigger.repo,
        ref: at.branch ? `refs/heads/${at.branch}` : '',
        sha: at.revision,
      };
      const text = await fetchPipelineFile(provider, event);
      const spec = await decodePipelineFile(
        this.deps.db as unknown as Tx,
        { projectId: workflow.projectId, workflowName: workflow.name },
        text,
      );
      return {
        trigger: trigger.name,
        repository: trigger.repo,
        ...at,
        path: pipelineFilePath(provider.kind, event),
        spec,
      };
    } catch (error) {
      if (error instanceof PipelineFileError) throw badInput('revision', error.message);
      if (error instanceof ScmError) throw scmServerFailure(integration.name, error, 'revision');
      throw error;
    }
  }

  /** The named trigger, or the workflow's only one that takes its workflow from the repository. */
  private async pickTrigger(workflow: { id: string; name: string }, name: string | undefined) {
    const rows = await this.deps.db.workflowTrigger.findMany({
      where: { workflowId: workflow.id, type: 'SCM', ...(name ? { name } : {}) },
      orderBy: { createdAt: 'asc' },
    });
    const fromRevision = rows.flatMap((row) => {
      const parsed = storedSpecSchema.safeParse(row.spec);
      const scm = parsed.success ? parsed.data.scm : undefined;
      const integrationId = (row.spec as { scm?: { integrationId?: unknown } }).scm?.integrationId;
      return scm?.workflowFromRevision && typeof integrationId === 'string'
        ? [{ name: row.name, repo: scm.repo, integrationId }]
        : [];
    });
    const only = fromRevision[0];
    if (name && !only) {
      throw badInput(
        'trigger',
        `workflow "${workflow.name}" has no SCM trigger "${name}" that takes its workflow from the repository`,
      );
    }
    if (!only) {
      throw badInput('trigger', `no SCM trigger of workflow "${workflow.name}" takes its workflow from the repository`);
    }
    if (fromRevision.length > 1) {
      throw badInput(
        'trigger',
        `${fromRevision.length} SCM triggers of workflow "${workflow.name}" take its workflow from a repository: name one (${fromRevision.map((t) => t.name).join(', ')})`,
      );
    }
    return only;
  }

  /** A commit as given, or a branch's head: `main` compares with what a push to main would run now. */
  private async resolve(provider: ScmProvider, repo: string, wanted: string) {
    if (isCommit(provider.kind, wanted)) return { revision: wanted };
    const branch = (await provider.listBranches(repo)).find((ref) => ref.name === wanted);
    if (!branch) {
      throw new PipelineFileError(
        provider.kind === 'SVN'
          ? `"${wanted}" is neither a revision number nor a branch of ${repo}`
          : `"${wanted}" is neither a full commit SHA nor a branch of ${repo}`,
      );
    }
    return { revision: branch.revision, branch: branch.name };
  }
}
