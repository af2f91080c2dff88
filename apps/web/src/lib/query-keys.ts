/**
 * Every React Query key in one place, so a mutation or a subscription event can update or
 * invalidate exactly what it changes. Keys are arrays that start with the domain.
 */
export const queryKeys = {
  me: ['me'] as const,
  system: {
    heartbeat: ['system', 'heartbeat'] as const,
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
  runs: {
    detail: (id: string) => ['runs', id] as const,
    logs: (id: string, stage: string) => ['runs', id, 'logs', stage] as const,
  },
} as const;
