/**
 * The "Add external system" form of each integration type, as in Cyclone: which fields it
 * shows, which of them are secrets (write-only, encrypted by the API) and how the form
 * values become `config` and `secret` of Create/UpdateIntegrationInput.
 */

export const INTEGRATION_TYPES = [
  'GITHUB',
  'GITLAB',
  'BITBUCKET',
  'SVN',
  'GIT',
  'DOCKER_REGISTRY',
  'HARBOR',
  'DOCKER_HUB',
  'KUBERNETES',
  'SONARQUBE',
  'GENERAL',
] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export type IntegrationCategory = 'scm' | 'registry' | 'cluster' | 'quality' | 'general';

export const CATEGORY_OF: Record<IntegrationType, IntegrationCategory> = {
  GITHUB: 'scm',
  GITLAB: 'scm',
  BITBUCKET: 'scm',
  SVN: 'scm',
  GIT: 'scm',
  DOCKER_REGISTRY: 'registry',
  HARBOR: 'registry',
  DOCKER_HUB: 'registry',
  KUBERNETES: 'cluster',
  SONARQUBE: 'quality',
  GENERAL: 'general',
};

/** Integration types that can start runs from repository events (SCM triggers). */
export const SCM_TYPES: readonly IntegrationType[] = ['GITHUB', 'GITLAB', 'BITBUCKET', 'SVN', 'GIT'];

export type FieldKey =
  | 'server'
  | 'username'
  | 'project'
  | 'namespace'
  | 'token'
  | 'password'
  | 'webhookSecret'
  | 'kubeconfig';

export interface FieldSpec {
  key: FieldKey;
  /** Secrets go to `secret`: never read back, left unchanged on edit when blank. */
  isSecret: boolean;
  isRequired: boolean;
  multiline?: boolean;
  placeholder?: string;
}

const field = (key: FieldKey, options: Partial<Omit<FieldSpec, 'key'>> = {}): FieldSpec => ({
  key,
  isSecret: false,
  isRequired: false,
  ...options,
});
const secret = (key: FieldKey, options: Partial<Omit<FieldSpec, 'key'>> = {}) =>
  field(key, { isSecret: true, ...options });

const scm = (placeholder: string, isServerRequired = true) => [
  field('server', { isRequired: isServerRequired, placeholder }),
  field('username'),
  secret('token'),
  secret('webhookSecret'),
];
const registry = (placeholder: string, isServerRequired = true) => [
  field('server', { isRequired: isServerRequired, placeholder }),
  field('username'),
  secret('password'),
];

export const FORM_FIELDS: Record<IntegrationType, readonly FieldSpec[]> = {
  GITHUB: scm('https://api.github.com', false),
  GITLAB: scm('https://gitlab.example.com'),
  BITBUCKET: scm('https://bitbucket.example.com'),
  SVN: [
    field('server', { isRequired: true, placeholder: 'svn://svn.example.com/repo' }),
    field('username'),
    secret('password'),
  ],
  GIT: [
    field('server', { isRequired: true, placeholder: 'https://git.example.com/team/repo.git' }),
    field('username'),
    secret('password'),
  ],
  DOCKER_REGISTRY: registry('https://registry.example.com'),
  HARBOR: [...registry('https://harbor.example.com'), field('project')],
  DOCKER_HUB: registry('https://registry-1.docker.io', false),
  KUBERNETES: [secret('kubeconfig', { multiline: true }), field('namespace')],
  SONARQUBE: [field('server', { isRequired: true, placeholder: 'https://sonar.example.com' }), secret('token')],
  GENERAL: [],
};

/** A GENERAL integration's free key/value pair; `isSecret` pairs are stored encrypted. */
export interface KeyValueRow {
  key: string;
  value: string;
  isSecret: boolean;
}

export interface IntegrationFormValues {
  name: string;
  description: string;
  type: IntegrationType;
  fields: Partial<Record<FieldKey, string>>;
  pairs: KeyValueRow[];
}

export interface IntegrationPayload {
  config: Record<string, string>;
  /** Omitted keys stay as stored on edit. */
  secret: Record<string, string>;
}

/**
 * Turns the form into `config` and `secret`. Blank fields are left out: a blank secret on
 * edit means "unchanged" (the API keeps keys it is not given).
 */
export function toIntegrationPayload(values: IntegrationFormValues): IntegrationPayload {
  const config: Record<string, string> = {};
  const secretValues: Record<string, string> = {};
  if (values.type === 'GENERAL') {
    for (const pair of values.pairs) {
      const key = pair.key.trim();
      if (!key) continue;
      if (pair.isSecret) {
        if (pair.value !== '') secretValues[key] = pair.value;
      } else config[key] = pair.value;
    }
    return { config, secret: secretValues };
  }
  for (const spec of FORM_FIELDS[values.type]) {
    const raw = values.fields[spec.key] ?? '';
    const value = spec.multiline || spec.isSecret ? raw : raw.trim();
    if (value === '' || (spec.isSecret && value.trim() === '')) continue;
    if (spec.isSecret) secretValues[spec.key] = value;
    else config[spec.key] = value;
  }
  return { config, secret: secretValues };
}

/** The form of a stored integration: its readable config, secrets blank ("unchanged"). */
export function toFormValues(integration: {
  name: string;
  description: string;
  type: IntegrationType;
  config: Record<string, unknown>;
  secretFields: readonly string[];
}): IntegrationFormValues {
  const fields: Partial<Record<FieldKey, string>> = {};
  for (const spec of FORM_FIELDS[integration.type]) {
    const value = integration.config[spec.key];
    if (!spec.isSecret && value != null) fields[spec.key] = String(value);
  }
  const pairs: KeyValueRow[] =
    integration.type === 'GENERAL'
      ? [
          ...Object.entries(integration.config).map(([key, value]) => ({
            key,
            value: typeof value === 'string' ? value : JSON.stringify(value),
            isSecret: false,
          })),
          ...integration.secretFields.map((key) => ({ key, value: '', isSecret: true })),
        ]
      : [];
  return { name: integration.name, description: integration.description, type: integration.type, fields, pairs };
}

/** Required fields left blank (secrets only count on create: on edit blank keeps them). */
export function missingFields(values: IntegrationFormValues, isEdit: boolean): FieldKey[] {
  return FORM_FIELDS[values.type]
    .filter((spec) => spec.isRequired && !(isEdit && spec.isSecret))
    .filter((spec) => !(values.fields[spec.key] ?? '').trim())
    .map((spec) => spec.key);
}

/** The server shown in the list: what the config says, else the type's public default. */
export function serverOf(config: Record<string, unknown>): string | undefined {
  return typeof config.server === 'string' && config.server ? config.server : undefined;
}
