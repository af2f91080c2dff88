import { checkCondition } from '@cyclone/dag';
import { type NameValue, secretReferences, type WorkflowSpec } from '@cyclone/domain';

/** What preflight checks, one kind per line of its answer. */
export type PreflightKind = 'CONDITION' | 'SECRET' | 'RESOURCE' | 'IMAGE' | 'GIT_REF' | 'CLUSTER';

export interface PreflightCheck {
  /** The stage checked; null for the workflow as a whole (its cluster, its variables). */
  stage: string | null;
  check: PreflightKind;
  ok: boolean;
  message: string;
}

type Stage = WorkflowSpec['stages'][number];

/** The texts of a stage that may carry `${…}` references. */
function stageTexts(stage: Stage): string[] {
  return [
    stage.image,
    ...stage.command,
    ...stage.args,
    ...stage.env.map((variable) => variable.value),
    ...(stage.workingDir ? [stage.workingDir] : []),
  ];
}

/** Every condition compiles (CEL), as saving already demands; told per stage. */
export function conditionChecks(spec: WorkflowSpec): PreflightCheck[] {
  return spec.stages.flatMap((stage) => {
    if (stage.when === undefined) return [];
    const problem = checkCondition(stage.when);
    return [
      {
        stage: stage.name,
        check: 'CONDITION' as const,
        ok: problem === undefined,
        message: problem ? `when: ${problem}` : 'the condition compiles',
      },
    ];
  });
}

/**
 * Every `${secrets.INTEGRATION.FIELD}` names an integration of the tenant that has that
 * secret field. `integrations`: name → its secret field names.
 */
export function secretChecks(
  spec: WorkflowSpec,
  integrations: ReadonlyMap<string, readonly string[]>,
): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const variables = secretReferences(spec.globalVariables.map((variable) => variable.value));
  const sources: [string | null, { integration: string; field: string }[]][] = [
    [null, variables],
    ...spec.stages.map((stage): [string, { integration: string; field: string }[]] => [
      stage.name,
      secretReferences(stageTexts(stage)),
    ]),
  ];
  for (const [stage, references] of sources) {
    const seen = new Set<string>();
    for (const { integration, field } of references) {
      const key = `${integration}.${field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const fields = integrations.get(integration);
      const ok = fields?.includes(field) ?? false;
      const message = !fields
        ? `\${secrets.${key}}: the tenant has no integration "${integration}"`
        : ok
          ? `\${secrets.${key}} is set`
          : `\${secrets.${key}}: integration "${integration}" has no secret field "${field}" (it has: ${fields.join(', ') || 'none'})`;
      checks.push({ stage, check: 'SECRET', ok, message });
    }
  }
  return checks;
}

/** Every resource a stage takes or gives exists in the project. */
export function resourceChecks(spec: WorkflowSpec, resources: ReadonlySet<string>): PreflightCheck[] {
  return spec.stages.flatMap((stage) => {
    const names = [...stage.inputs.resources, ...stage.outputs.resources].map((resource) => resource.name);
    return [...new Set(names)].map((name) => ({
      stage: stage.name,
      check: 'RESOURCE' as const,
      ok: resources.has(name),
      message: resources.has(name) ? `resource "${name}" exists` : `the project has no resource "${name}"`,
    }));
  });
}

/**
 * The image of each stage with the run's variables put in (the workflow's global
 * variables, then the parameters given); null when it still depends on something only
 * a run knows (a stage's output, a secret, a generator).
 */
export function resolvedImage(image: string, variables: readonly NameValue[]): string | null {
  const text = image.replace(/(?<!\$)\$\{variables\.([^}]+)\}/g, (whole, name: string) => {
    return variables.find((variable) => variable.name === name)?.value ?? whole;
  });
  return /\$\{|\$\(/.test(text) ? null : text;
}

/** The workflow's global variables with the run's `variables.NAME` parameters applied. */
export function runVariables(spec: WorkflowSpec, parameters: readonly NameValue[]): NameValue[] {
  return spec.globalVariables.map(({ name, value }) => {
    const given = parameters.find((parameter) => parameter.name === `variables.${name}`);
    return { name, value: given?.value ?? value };
  });
}
