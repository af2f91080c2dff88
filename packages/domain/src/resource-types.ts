import { z } from 'zod';
import { dnsLabelSchema } from './dns-label-schema.js';
import type { SpecProblem } from './resources.js';
import {
  isBuiltinResourceType,
  LIMITS,
  RESOURCE_TYPES,
  type ResourceSpec,
  type ResourceTypeName,
  resourceTypeNameSchema,
} from './specs.js';

/**
 * Resource types: Cyclone's built-ins and the ones a tenant registers (the original's
 * Resource labelled `resource.cyclone.dev/template: "true"`). A registered type names
 * the resolver image that runs `pull` before a stage that takes such a resource and
 * `push` after a stage that gives one, the parameters its resources carry, and how a
 * resource bound to an integration gets parameters from it (`bind`).
 */

export const RESOURCE_OPERATIONS = ['pull', 'push'] as const;
export type ResourceOperation = (typeof RESOURCE_OPERATIONS)[number];

const text = z.string().max(LIMITS.stringLength);
const parameterName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,252}$/, { message: 'must be an environment variable name (letters, digits, _)' });

export const resourceTypeParameterSchema = z.object({
  name: parameterName,
  required: z.boolean().default(false),
  description: z.string().max(LIMITS.longTextLength).default(''),
});
export type ResourceTypeParameter = z.infer<typeof resourceTypeParameterSchema>;

export const resourceTypeBindSchema = z.object({
  /** The original's names (`SCM`, `DockerRegistry`, `SonarQube`, `Cluster`, `General`) or Cyclone's integration types. */
  integrationType: text.min(1),
  /** Parameter → integration field, written as in the original: `scm.server`, `dockerRegistry.password`. */
  paramBindings: z.record(
    parameterName,
    text.regex(/^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9_-]*$/, {
      message: 'must be <integration>.<field>, e.g. scm.server or dockerRegistry.password',
    }),
  ),
});
export type ResourceTypeBind = z.infer<typeof resourceTypeBindSchema>;

export const resourceTypeSpecSchema = z.object({
  /** The document's `metadata.name`. */
  name: dnsLabelSchema,
  /** `spec.type`: what a resource of this type writes in its own `spec.type`. */
  type: resourceTypeNameSchema,
  resolver: text.min(1, { message: 'a resource type needs its resolver image' }),
  operations: z
    .array(z.enum(RESOURCE_OPERATIONS, { message: 'must be pull or push' }))
    .min(1)
    .max(2),
  parameters: z.array(resourceTypeParameterSchema).max(LIMITS.listItems).default([]),
  bind: resourceTypeBindSchema.optional(),
});
export type ResourceTypeSpec = z.infer<typeof resourceTypeSpecSchema>;

/** Integration types (Cyclone's) each of the original's `bind.integrationType` names. */
const BIND_TARGETS: Record<string, readonly string[]> = {
  SCM: ['GIT', 'GITHUB', 'GITLAB', 'BITBUCKET', 'SVN'],
  DockerRegistry: ['DOCKER_REGISTRY', 'HARBOR', 'DOCKER_HUB'],
  SonarQube: ['SONARQUBE'],
  Cluster: ['KUBERNETES'],
  General: ['GENERAL'],
};
const CYCLONE_INTEGRATION_TYPES = [...new Set(Object.values(BIND_TARGETS).flat())];

/** The integration types a binding accepts: the original's name's, or one of Cyclone's own. */
export function bindIntegrationTypes(integrationType: string): readonly string[] | undefined {
  if (BIND_TARGETS[integrationType]) return BIND_TARGETS[integrationType];
  return CYCLONE_INTEGRATION_TYPES.includes(integrationType) ? [integrationType] : undefined;
}

/** Checks what the schema cannot: the type is not a built-in, names are unique, bindings name parameters. */
export function checkResourceTypeSpec(spec: ResourceTypeSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (isBuiltinResourceType(spec.type)) {
    problems.push({
      path: 'type',
      message: `${spec.type} is built into Cyclone (as are ${RESOURCE_TYPES.join(', ')}): register a type under another name`,
    });
  }
  if (new Set(spec.operations).size !== spec.operations.length) {
    problems.push({ path: 'operations', message: 'lists an operation twice' });
  }
  const names = new Set<string>();
  spec.parameters.forEach((parameter, index) => {
    if (names.has(parameter.name)) {
      problems.push({ path: `parameters[${index}].name`, message: `parameter "${parameter.name}" is given twice` });
    }
    names.add(parameter.name);
  });
  if (spec.bind) {
    if (!bindIntegrationTypes(spec.bind.integrationType)) {
      problems.push({
        path: 'bind.integrationType',
        message: `must be one of ${[...Object.keys(BIND_TARGETS), ...CYCLONE_INTEGRATION_TYPES].join(', ')}`,
      });
    }
    for (const parameter of Object.keys(spec.bind.paramBindings)) {
      if (!names.has(parameter)) {
        problems.push({ path: `bind.paramBindings.${parameter}`, message: 'is not a parameter of this type' });
      }
    }
  }
  return problems;
}

/**
 * A binding's value from the integration: `scm.server` reads the field `server` of its
 * config, then of its secret (`user` is the original's name of `username`).
 */
export function boundParameterValue(
  binding: string,
  integration: { config: Record<string, unknown>; secret: Record<string, string> },
): string | undefined {
  const field = binding.slice(binding.indexOf('.') + 1);
  for (const key of field === 'user' ? ['username', 'user'] : [field]) {
    const value = integration.config[key] ?? integration.secret[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

/**
 * A resource of a registered type against its registration: its integration is of
 * the bound type, and every required parameter is given or bound.
 */
export function checkRegisteredResource(
  spec: Pick<ResourceSpec, 'parameters' | 'integration'>,
  type: Pick<ResourceTypeSpec, 'type' | 'parameters' | 'bind'>,
  integrationType: string | undefined,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const bound = new Set<string>();
  if (spec.integration && type.bind) {
    const accepted = bindIntegrationTypes(type.bind.integrationType) ?? [];
    if (integrationType && !accepted.includes(integrationType)) {
      problems.push({
        path: 'integration',
        message: `a ${type.type} resource binds a ${type.bind.integrationType} integration (${accepted.join(', ')}); "${spec.integration}" is ${integrationType}`,
      });
    }
    for (const name of Object.keys(type.bind.paramBindings)) bound.add(name);
  }
  for (const parameter of type.parameters) {
    if (!parameter.required || bound.has(parameter.name)) continue;
    const given = spec.parameters.find((p) => p.name === parameter.name);
    if (!given || given.value.trim() === '') {
      problems.push({ path: 'parameters', message: `a ${type.type} resource needs the parameter ${parameter.name}` });
    }
  }
  return problems;
}

/** What a built-in type is, in the shape of a registered one (for listing them together). */
export interface BuiltinResourceType {
  type: ResourceTypeName;
  operations: readonly ResourceOperation[];
  parameters: readonly ResourceTypeParameter[];
  /** Who does the work: Cyclone itself, or the resource's own resolver image (General). */
  resolvedBy: 'CYCLONE' | 'RESOLVER_IMAGE';
  description: string;
}

const param = (name: string, required: boolean, description: string) => ({ name, required, description });

export const BUILTIN_RESOURCE_TYPES: readonly BuiltinResourceType[] = [
  {
    type: 'Git',
    operations: ['pull'],
    resolvedBy: 'CYCLONE',
    description: 'A revision of a Git repository, fetched before the stage starts.',
    parameters: [
      param('SCM_URL', true, 'URL of the repository (http or https).'),
      param('SCM_REVISION', false, 'Branch, tag, SHA or ref; empty: the default branch.'),
      param('SCM_AUTH', false, 'user:password or a token; else the bound integration’s credentials.'),
    ],
  },
  {
    type: 'Svn',
    operations: ['pull'],
    resolvedBy: 'CYCLONE',
    description: 'A revision of a Subversion repository, checked out before the stage starts.',
    parameters: [
      param('SCM_URL', true, 'URL of the repository.'),
      param('SCM_REVISION', false, 'A revision number; empty: HEAD.'),
      param('SCM_USER', false, 'User name; else the bound integration’s.'),
      param('SCM_PWD', false, 'Password; else the bound integration’s.'),
    ],
  },
  {
    type: 'Image',
    operations: ['pull', 'push'],
    resolvedBy: 'CYCLONE',
    description: 'A container image a stage runs or builds.',
    parameters: [param('IMAGE', true, 'The image reference, e.g. registry.example.com/shop/app:1.0.')],
  },
  {
    type: 'KV',
    operations: ['pull'],
    resolvedBy: 'CYCLONE',
    description: 'Key-value pairs, given to the stage as environment variables.',
    parameters: [],
  },
  {
    type: 'General',
    operations: ['pull', 'push'],
    resolvedBy: 'RESOLVER_IMAGE',
    description: 'Pulled and pushed by the resource’s own resolver image (spec.resolver).',
    parameters: [],
  },
  {
    type: 'Http',
    operations: ['push'],
    resolvedBy: 'CYCLONE',
    description: 'Files the stage leaves at the output path, sent as a tar archive in a multipart form to a URL.',
    parameters: [
      param('URL', true, 'Where to send the archive (http or https).'),
      param('METHOD', false, 'POST (default) or PUT.'),
      param('HEADERS', false, 'Extra headers as in the original: Name:value pairs separated by spaces or lines.'),
      param('FORM_FILE_KEY', false, 'The form field of the archive; default file.'),
      param('COMPRESS_FILE_NAME', false, 'The archive’s file name; default artifact.tar.'),
    ],
  },
];

/** How an Http resource is sent, from its parameters (after run overrides), as the original's http resolver took them. */
export interface HttpPushSettings {
  url: string;
  method: 'POST' | 'PUT';
  headers: { name: string; value: string }[];
  formFileKey: string;
  fileName: string;
}

/**
 * An Http resource's settings: `URL` (http or https), `METHOD` (POST, the default, or
 * PUT), `HEADERS` (`Name:value` pairs separated by spaces, or one per line),
 * `FORM_FILE_KEY` (default `file`), `COMPRESS_FILE_NAME` (default `artifact.tar`).
 * Returns the problem as text when a parameter is wrong.
 */
export function httpPushSettings(parameters: ReadonlyMap<string, string>): HttpPushSettings | string {
  const url = parameters.get('URL') ?? '';
  if (!/^https?:\/\/[^\s/]+/i.test(url)) return 'URL must be an http:// or https:// URL';
  const method = (parameters.get('METHOD') || 'POST').toUpperCase();
  if (method !== 'POST' && method !== 'PUT') return `METHOD must be POST or PUT, not ${method}`;
  const text = parameters.get('HEADERS') ?? '';
  const pairs = text.includes('\n') ? text.split('\n') : text.split(/\s+/);
  const headers: { name: string; value: string }[] = [];
  for (const pair of pairs.map((p) => p.trim()).filter((p) => p !== '')) {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon).trim();
    if (colon <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return `HEADERS: "${pair}" is not Name:value`;
    headers.push({ name, value: pair.slice(colon + 1).trim() });
  }
  const fileName = parameters.get('COMPRESS_FILE_NAME') || 'artifact.tar';
  if (/[/\\\r\n"]/.test(fileName)) return 'COMPRESS_FILE_NAME must be a plain file name';
  const formFileKey = parameters.get('FORM_FILE_KEY') || 'file';
  if (/[\r\n"]/.test(formFileKey)) return 'FORM_FILE_KEY must be a plain form field name';
  return { url, method, headers, formFileKey, fileName };
}
