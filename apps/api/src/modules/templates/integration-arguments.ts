import { type NameValue, TemplateArgumentError } from '@cyclone/domain';
import type { Tx } from '../shared/mutation.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';

/**
 * The arguments a built-in template takes from an integration of the tenant, added to
 * those the stage gives when it leaves them out: sonarqube-scan's `server` is the
 * config.server of the SONARQUBE integration its `sonarqube` argument names (its token
 * is a `${secrets.…}` reference, resolved at run time). Filled once, as the stage is
 * made, like every argument. Tenant templates, even one shadowing a built-in's name,
 * get their arguments from the stage only.
 */
export async function withIntegrationArguments(
  tx: Tx,
  tenantId: string,
  template: { name: string; isBuiltin: boolean },
  args: readonly NameValue[],
): Promise<NameValue[]> {
  const builtin = template.isBuiltin ? BUILTIN_TEMPLATES.find((t) => t.name === template.name) : undefined;
  const binding = builtin?.fromIntegration;
  const missing = Object.keys(binding?.config ?? {}).filter((name) => !args.some((a) => a.name === name));
  if (!binding || missing.length === 0) return [...args];
  const index = args.findIndex((a) => a.name === binding.argument);
  const name =
    args[index]?.value ?? builtin.spec.inputs.arguments.find((a) => a.name === binding.argument)?.value ?? '';
  const fail = (why: string) =>
    new TemplateArgumentError(
      binding.argument,
      `argument "${missing[0]}" needs a value: ${why}`,
      index === -1 ? undefined : index,
    );
  const integration = await tx.integration.findUnique({ where: { tenantId_name: { tenantId, name } } });
  if (integration?.type !== binding.type) {
    throw fail(`there is no ${binding.type} integration "${name}" in this tenant to take it from`);
  }
  const config = (integration.config ?? {}) as Record<string, unknown>;
  const filled = missing.map((argument) => {
    const value = config[binding.config[argument] as string];
    if (typeof value !== 'string' || value === '') {
      throw fail(`integration "${name}" has no config.${binding.config[argument]}`);
    }
    return { name: argument, value };
  });
  return [...args, ...filled];
}
