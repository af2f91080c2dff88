import { isBuiltinResourceType, type ResourceSpec, type ResourceTypeName } from './specs.js';

/**
 * Resource parameters that hold credentials (Git's SCM_AUTH, Svn's SCM_PWD, and any
 * name ending in PASSWORD, TOKEN or SECRET): sealed like integration secrets, shown and
 * mirrored only as names, read by the engine alone.
 */
export function isSecretResourceParameter(name: string): boolean {
  return /^(SCM_AUTH|SCM_PWD)$|(PASSWORD|TOKEN|SECRET)$/.test(name);
}

/** Parameters each resource type cannot work without (Cyclone's resource types). */
export const REQUIRED_RESOURCE_PARAMETERS: Record<ResourceTypeName, readonly string[]> = {
  Git: ['SCM_URL'],
  Svn: ['SCM_URL'],
  Image: ['IMAGE'],
  KV: [],
  General: [],
  Http: ['URL'],
};

export interface SpecProblem {
  /** Path below the spec, e.g. `parameters` or `parameters[2].name`. */
  path: string;
  message: string;
}

/**
 * Checks what the schema cannot: required parameters per built-in type, duplicated
 * parameter names, and the resolver image a General resource needs to be pulled or
 * pushed. A registered type's own rules are checked against its registration
 * (resource-types.ts: checkRegisteredResource).
 */
export function checkResourceSpec(spec: Pick<ResourceSpec, 'type' | 'parameters' | 'resolver'>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  spec.parameters.forEach((parameter, index) => {
    if (seen.has(parameter.name)) {
      problems.push({ path: `parameters[${index}].name`, message: `parameter "${parameter.name}" is given twice` });
    }
    seen.add(parameter.name);
  });
  const requiredNames = isBuiltinResourceType(spec.type) ? REQUIRED_RESOURCE_PARAMETERS[spec.type] : [];
  for (const required of requiredNames) {
    const given = spec.parameters.find((p) => p.name === required);
    if (!given || given.value.trim() === '') {
      problems.push({ path: 'parameters', message: `a ${spec.type} resource needs the parameter ${required}` });
    }
  }
  if (spec.type === 'General' && !spec.resolver) {
    problems.push({ path: 'resolver', message: 'a General resource needs a resolver image' });
  }
  return problems;
}
