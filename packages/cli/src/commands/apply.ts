import { FILENAME_OPTION, listOption, OUTPUT_OPTION, outputFormat } from '../args.js';
import type { Command } from '../context.js';
import { type Applied, ApplyManifestsDocument } from '../documents.js';
import { ApiError } from '../errors.js';
import { joinManifestFiles, locateDocuments, readManifestFiles } from '../manifest-files.js';
import { formatOutput } from '../output.js';

/** How a document that became something of the tenant, not of the project, is told apart. */
const TARGET_NOTES: Record<string, string> = {
  STAGE_TEMPLATE: ' (stage template)',
  RESOURCE_TYPE: ' (resource type)',
};

export const applyCommand: Command = {
  spec: {
    name: 'apply',
    summary: 'Create or update objects from Cyclone YAML (Resource, Stage, Workflow, WorkflowTrigger, WorkflowRun).',
    usage: 'apply -f FILE|FOLDER|- [-f …] [-o table|json|yaml]',
    isRemote: true,
    positionals: { min: 0, max: 0 },
    options: {
      filename: FILENAME_OPTION,
      output: OUTPUT_OPTION,
    },
    details: `All documents of all files are applied in one transaction: a problem anywhere changes nothing.

Examples:
  cyclone apply -f pipeline.yaml
  cyclone apply -f manifests/
  cat pipeline.yaml | cyclone apply -f -`,
  },
  async run(ctx) {
    const format = outputFormat(ctx.args);
    const files = await readManifestFiles(listOption(ctx.args, 'filename'), ctx.runtime.readStdin);
    const { tenant, project } = ctx.scope();
    const joined = joinManifestFiles(files);
    let applied: Applied[];
    try {
      ({ applyManifests: applied } = await ctx
        .api()
        .request(ApplyManifestsDocument, { input: { tenant, project, yaml: joined.yaml } }));
    } catch (error) {
      if (error instanceof ApiError && files.length > 1) {
        throw new ApiError(
          error.code,
          locateDocuments(error.apiMessage, joined.locate),
          error.problems.map((p) => ({
            field: p.field && locateDocuments(p.field, joined.locate),
            message: locateDocuments(p.message, joined.locate),
          })),
        );
      }
      throw error;
    }
    ctx.out(
      formatOutput(format, applied, () =>
        applied
          .map((o) => {
            const what = `${o.kind}/${o.name}${TARGET_NOTES[o.target] ?? ''}`;
            return `${what} ${o.action.toLowerCase()}${o.message ? `: ${o.message}` : ''}\n`;
          })
          .join(''),
      ),
    );
    return 0;
  },
};
