import { type ResourceTypeRow, ResourceTypesDocument } from '@cyclone/api-contract';
import { outputFormat, stringOption } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import {
  ProjectRunsDocument,
  type RunRow,
  WorkflowDocument,
  type WorkflowRow,
  WorkflowRunsDocument,
  WorkflowsDocument,
} from '../documents.js';
import { CliError, UsageError } from '../errors.js';
import { formatOutput, formatTable, formatTime, runDuration } from '../output.js';

const KINDS: Record<string, 'workflows' | 'runs' | 'resourcetypes'> = {
  workflows: 'workflows',
  workflow: 'workflows',
  wf: 'workflows',
  runs: 'runs',
  run: 'runs',
  wfr: 'runs',
  resourcetypes: 'resourcetypes',
  'resource-types': 'resourcetypes',
  resourcetype: 'resourcetypes',
};

export const getCommand: Command = {
  spec: {
    name: 'get',
    summary: 'List workflows, the runs of a workflow (or of the whole project), or the resource types of the tenant.',
    usage: 'get workflows [NAME] | get runs [WORKFLOW] [--limit N] | get resourcetypes [-o table|json|yaml]',
    isRemote: true,
    positionals: { min: 1, max: 2 },
    options: {
      output: { type: 'string', short: 'o', value: 'FORMAT', description: 'table (default), json or yaml' },
      limit: { type: 'string', value: 'N', description: 'runs to show, newest first (default 20, at most 500)' },
    },
    details: `Examples:
  cyclone get workflows
  cyclone get runs shop-ci -o json
  cyclone get resourcetypes`,
  },
  async run(ctx) {
    const [kindName = '', name] = ctx.args.positionals;
    const kind = KINDS[kindName];
    if (!kind) throw new UsageError(`cannot get "${kindName}": use workflows, runs or resourcetypes`, 'get');
    const format = outputFormat(ctx.args);
    const limit = parseLimit(stringOption(ctx.args, 'limit'));
    if (kind === 'resourcetypes') {
      const { resourceTypes } = await ctx.api().request(ResourceTypesDocument, { tenant: ctx.scope().tenant });
      const shown = name ? resourceTypes.filter((t) => t.type === name) : resourceTypes;
      if (name && shown.length === 0)
        throw new CliError(`no resource type "${name}" in tenant "${ctx.scope().tenant}"`);
      ctx.out(formatOutput(format, shown, () => resourceTypeTable(shown)));
    } else if (kind === 'workflows') {
      const workflows = await listWorkflows(ctx, name);
      ctx.out(formatOutput(format, workflows, () => workflowTable(workflows)));
    } else {
      const runs = await listRuns(ctx, name, limit);
      ctx.out(formatOutput(format, runs, () => runTable(runs)));
    }
    return 0;
  },
};

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 20;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit must be 1 to 500', 'get');
  return limit;
}

async function listWorkflows(ctx: CommandContext, name: string | undefined): Promise<WorkflowRow[]> {
  const { tenant, project } = ctx.scope();
  if (name) {
    const { workflow } = await ctx.api().request(WorkflowDocument, { t: tenant, p: project, n: name });
    if (!workflow) throw new CliError(`no workflow "${name}" in ${tenant}/${project}`);
    return [workflow];
  }
  const { project: found } = await ctx.api().request(WorkflowsDocument, { t: tenant, p: project });
  if (!found) throw new CliError(`no project "${project}" in tenant "${tenant}"`);
  return found.workflows;
}

async function listRuns(ctx: CommandContext, workflow: string | undefined, limit: number): Promise<RunRow[]> {
  const { tenant, project } = ctx.scope();
  if (workflow) {
    const result = await ctx.api().request(WorkflowRunsDocument, { t: tenant, p: project, n: workflow, first: limit });
    if (!result.workflow) throw new CliError(`no workflow "${workflow}" in ${tenant}/${project}`);
    return result.workflow.runs;
  }
  const result = await ctx.api().request(ProjectRunsDocument, { t: tenant, p: project, first: limit });
  if (!result.project) throw new CliError(`no project "${project}" in tenant "${tenant}"`);
  return result.project.workflows
    .flatMap((w) => w.runs)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, limit);
}

export function workflowTable(workflows: WorkflowRow[]): string {
  return formatTable(
    ['NAME', 'VERSION', 'STAGES', 'LAST RUN', 'UPDATED'],
    workflows.map((w) => [
      w.name,
      String(w.version),
      String(w.stages.length),
      w.latestRun ? `#${w.latestRun.number} ${w.latestRun.phase}` : '-',
      formatTime(w.updatedAt),
    ]),
  );
}

export function runTable(runs: RunRow[], now = Date.now()): string {
  return formatTable(
    ['RUN', 'WORKFLOW', 'NUMBER', 'PHASE', 'STARTED', 'DURATION'],
    runs.map((r) => [
      r.id,
      r.workflow.name,
      `#${r.number}`,
      r.phase,
      formatTime(r.startedAt) || '-',
      runDuration(r.startedAt, r.finishedAt, now) || '-',
    ]),
  );
}

export function resourceTypeTable(types: ResourceTypeRow[]): string {
  return formatTable(
    ['TYPE', 'BUILT IN', 'OPERATIONS', 'RESOLVER', 'PARAMETERS', 'BINDS'],
    types.map((t) => [
      t.type,
      t.builtin ? 'yes' : 'no',
      t.operations.join(','),
      t.resolver ?? (t.resolvedBy === 'CYCLONE' ? 'cyclone' : 'spec.resolver'),
      t.parameters.map((p) => (p.required ? `${p.name}*` : p.name)).join(',') || '-',
      t.bind?.integrationType ?? '-',
    ]),
  );
}
