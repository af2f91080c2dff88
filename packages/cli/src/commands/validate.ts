import { PreflightWorkflowDocument } from '@cyclone/api-contract';
import { booleanOption, listOption, outputFormat } from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { joinManifestFiles, locateDocuments, readManifestFiles } from '../manifest-files.js';
import { formatOutput, paint } from '../output.js';

export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary: 'Check Cyclone YAML offline with the rules the server applies (no server needed).',
    usage: 'validate -f FILE|FOLDER|- [-f …] [--preflight] [-o table|json|yaml]',
    isRemote: false,
    positionals: { min: 0, max: 0 },
    options: {
      filename: { type: 'string', short: 'f', multiple: true, value: 'PATH', description: 'a file, a folder or -' },
      output: { type: 'string', short: 'o', value: 'FORMAT', description: 'table (default), json or yaml' },
      preflight: {
        type: 'boolean',
        description: 'also ask the server what would stop a run of each workflow in the files, as saved in the project',
      },
    },
    details: `Every problem names its document and field. Stages, resources and workflows that are
not in the given files are warnings: the server looks them up in the project.
With --preflight the server checks each Workflow of the files as saved in the project
(--tenant, --project): images in their registries, secrets, Git revisions, the
cluster (preflightWorkflow); a failed check is an error.
Exit code 1 when there is an error, 0 otherwise (warnings included).`,
  },
  async run(ctx) {
    const format = outputFormat(ctx.args);
    const files = await readManifestFiles(listOption(ctx.args, 'filename'), ctx.runtime.readStdin);
    const joined = joinManifestFiles(files);
    const { validateManifests } = await import('../validate-manifests.js');
    const problems = validateManifests(joined.yaml).map((p) => ({
      ...p,
      field: locateDocuments(p.field, joined.locate),
      message: locateDocuments(p.message, joined.locate),
    }));
    if (booleanOption(ctx.args, 'preflight')) problems.push(...(await preflightProblems(ctx, joined.yaml)));
    const errors = problems.filter((p) => p.severity === 'error').length;
    const where = files.map((f) => f.name).join(', ');
    ctx.out(
      formatOutput(format, problems, () => {
        const lines = problems.map((p) => {
          const label = paint(p.severity, p.severity === 'error' ? 31 : 33, ctx.isColoured);
          return `${label}: ${p.field}${p.object ? ` (${p.object})` : ''}: ${p.message}\n`;
        });
        const warnings = problems.length - errors;
        const summary =
          errors > 0
            ? `${where}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`
            : `${where}: valid${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`;
        return lines.join('') + summary;
      }),
    );
    return errors > 0 ? 1 : 0;
  },
};

/** The server's preflight of each Workflow document's saved workflow, as problems (a failed check is an error). */
async function preflightProblems(ctx: CommandContext, yaml: string) {
  const { parseManifests } = await import('@cyclone/manifests');
  const { tenant, project } = ctx.scope();
  const found: { document: number; object: string; field: string; message: string; severity: 'error' }[] = [];
  const { documents } = parseManifests(yaml);
  for (const [index, document] of documents.entries()) {
    if (document.kind !== 'Workflow') continue;
    const workflow = document.spec.name;
    const { preflightWorkflow } = await ctx.api().request(PreflightWorkflowDocument, { tenant, project, workflow });
    for (const check of preflightWorkflow) {
      if (check.ok) continue;
      found.push({
        document: index,
        object: `Workflow/${workflow}`,
        field: `preflight${check.stage ? `.stages.${check.stage}` : ''}.${check.check}`,
        message: check.message,
        severity: 'error',
      });
    }
  }
  return found;
}
