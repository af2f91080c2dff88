import {
  fillTemplate,
  type NameValue,
  type StageTemplateSpec,
  stageTemplateSpecSchema,
  TemplateArgumentError,
} from '@cyclone/domain';
import { badInput } from '../../errors/app-error.js';
import type { StageTemplate } from '../../generated/prisma/client.js';
import type { Tx } from '../shared/mutation.js';
import { withIntegrationArguments } from './integration-arguments.js';
import { findUsableTemplate } from './templates.repository.js';

/**
 * The tenant's (or built-in) template `name` filled with `args`, the arguments a
 * built-in takes from an integration included: the one way the API fills templates,
 * for stages made from them and for the editor's preview of a new stage. A missing,
 * unknown or repeated argument is BAD_USER_INPUT on `<argumentsField>[i].name`, or on
 * `<argumentsField>` when the argument was not given.
 */
export async function fillStageTemplate(
  tx: Tx,
  tenantId: string,
  name: string,
  args: readonly NameValue[],
  fields: { template: string; arguments: string },
): Promise<{ template: StageTemplate; spec: StageTemplateSpec }> {
  const template = await findUsableTemplate(tx, tenantId, name);
  if (!template) throw badInput(fields.template, `no stage template "${name}"`);
  try {
    const withIntegration = await withIntegrationArguments(tx, tenantId, template, args);
    return { template, spec: fillTemplate(stageTemplateSpecSchema.parse(template.spec), withIntegration) };
  } catch (error) {
    if (!(error instanceof TemplateArgumentError)) throw error;
    const field = error.index === undefined ? fields.arguments : `${fields.arguments}[${error.index}].name`;
    throw badInput(field, error.message);
  }
}
