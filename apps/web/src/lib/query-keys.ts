/**
 * Every React Query key in one place, so a mutation or a subscription event can update or
 * invalidate exactly what it changes. Keys are arrays that start with the domain.
 */
export const queryKeys = {
  me: ['me'] as const,
  /** How one may sign in here (password, single sign-on); asked signed out. */
  signInOptions: ['sign-in-options'] as const,
  account: {
    sessions: ['account', 'sessions'] as const,
    defaultPassword: ['account', 'default-password'] as const,
  },
  system: {
    heartbeat: ['system', 'heartbeat'] as const,
    engine: ['system', 'engine'] as const,
  },
  tenants: {
    all: ['tenants'] as const,
    detail: (tenant: string) => ['tenants', tenant] as const,
  },
  projects: {
    all: (tenant: string) => ['projects', tenant] as const,
    detail: (tenant: string, project: string) => ['projects', tenant, project] as const,
  },
  workflows: {
    all: (tenant: string, project: string) => ['workflows', tenant, project] as const,
    detail: (tenant: string, project: string, workflow: string) => ['workflows', tenant, project, workflow] as const,
  },
  settings: {
    members: (tenant: string) => ['settings', 'members', tenant] as const,
    apiTokens: ['settings', 'api-tokens'] as const,
    audit: (tenant: string, filter: object) => ['settings', 'audit', tenant, filter] as const,
  },
  integrations: {
    all: (tenant: string) => ['integrations', tenant] as const,
    detail: (tenant: string, name: string) => ['integrations', tenant, name] as const,
    /** Name and type of each, for pickers. */
    options: (tenant: string) => ['integrations', tenant, '#options'] as const,
    webhookDeliveries: (tenant: string, name: string) => ['integrations', tenant, name, 'webhook-deliveries'] as const,
    scmRepositories: (tenant: string, name: string) => ['integrations', tenant, name, 'scm-repositories'] as const,
    registryRepositories: (tenant: string, name: string) =>
      ['integrations', tenant, name, 'registry-repositories'] as const,
  },
  triggers: {
    all: (tenant: string, project: string, workflow: string) => ['triggers', tenant, project, workflow] as const,
    cronPreview: (expression: string, timezone: string) => ['triggers', 'cron-preview', expression, timezone] as const,
  },
  templates: {
    all: (tenant: string) => ['templates', tenant] as const,
  },
  resourceTypes: {
    all: (tenant: string) => ['resource-types', tenant] as const,
  },
  logSearch: {
    hits: (tenant: string, search: object) => ['log-search', tenant, search] as const,
  },
  runs: {
    detail: (id: string) => ['runs', id] as const,
    criticalPath: (id: string, progress: string) => ['runs', id, 'critical-path', progress] as const,
    logs: (id: string, stage: string) => ['runs', id, 'logs', stage] as const,
    /** The delegated stages of a run's workflow version (they never change). */
    list: (tenant: string, filter: object) => ['runs', 'list', tenant, filter] as const,
    lists: ['runs', 'list'] as const,
    statistics: (tenant: string) => ['runs', 'statistics', tenant] as const,
  },
} as const;
