import { listOption, outputFormat } from '../args.js';
import type { Command } from '../context.js';
import { joinManifestFiles, locateDocuments, readManifestFiles } from '../manifest-files.js';
import { formatOutput, paint } from '../output.js';

export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary: 'Check Cyclone YAML offline with the rules the server applies (no server needed).',
    usage: 'validate -f FILE|FOLDER|- [-f …] [-o table|json|yaml]',
    isRemote: false,
    positionals: { min: 0, max: 0 },
    options: {
      filename: { type: 'string', short: 'f', multiple: true, value: 'PATH', description: 'a file, a folder or -' },
      output: { type: 'string', short: 'o', value: 'FORMAT', description: 'table (default), json or yaml' },
    },
    details: `Every problem names its document and field. Stages, resources and workflows that are
not in the given files are warnings: the server looks them up in the project.
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
