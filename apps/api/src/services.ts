import type { Config } from './config/config.js';
import type { Db } from './db/prisma.js';
import type { Logger } from './logging/logger.js';
import { AuditPresenter } from './modules/audit/audit.presenter.js';
import { ApiTokensService } from './modules/identity/api-tokens.service.js';
import { IdentityRepository } from './modules/identity/identity.repository.js';
import { IdentityService } from './modules/identity/identity.service.js';
import { LoginThrottle } from './modules/identity/login-throttle.js';
import { LoginThrottleRepository } from './modules/identity/login-throttle.repository.js';
import { UsersService } from './modules/identity/users.service.js';
import { loadEncryptionKey } from './modules/integrations/encryption-key.js';
import { IntegrationService } from './modules/integrations/integration.service.js';
import { SecretBox } from './modules/integrations/secret-box.js';
import { ManifestsService } from './modules/manifests/manifests.service.js';
import { ProjectsPresenter } from './modules/projects/projects.presenter.js';
import { ProjectsService } from './modules/projects/projects.service.js';
import { ResourceService } from './modules/resources/resource.service.js';
import { RunEvents } from './modules/runs/run-events.js';
import { RunsPresenter } from './modules/runs/runs.presenter.js';
import { RunsService } from './modules/runs/runs.service.js';
import { StageService } from './modules/stages/stage.service.js';
import { TemplateService } from './modules/templates/template.service.js';
import { TenantsPresenter } from './modules/tenants/tenants.presenter.js';
import { TenantsService } from './modules/tenants/tenants.service.js';
import { TriggersService } from './modules/triggers/triggers.service.js';
import { WorkflowsPresenter } from './modules/workflows/workflows.presenter.js';
import { WorkflowsService } from './modules/workflows/workflows.service.js';

/** Every domain service, wired once per process. */
export interface Services {
  identity: IdentityService;
  users: UsersService;
  apiTokens: ApiTokensService;
  tenants: TenantsService;
  tenantsPresenter: TenantsPresenter;
  projects: ProjectsService;
  projectsPresenter: ProjectsPresenter;
  audit: AuditPresenter;
  integrations: IntegrationService;
  resources: ResourceService;
  stages: StageService;
  templates: TemplateService;
  workflows: WorkflowsService;
  workflowsPresenter: WorkflowsPresenter;
  triggers: TriggersService;
  manifests: ManifestsService;
  runs: RunsService;
  runsPresenter: RunsPresenter;
  runEvents: RunEvents;
}

export function createServices(
  db: Db,
  config: Config,
  logger: Logger,
  hooks: { onRunChanged?: (runId: string) => void; databaseUrl?: string } = {},
): Services {
  const secretBox = new SecretBox(
    loadEncryptionKey({ ...config.secrets, hasExternalDatabase: config.database.url !== undefined }, logger),
  );
  const identityRepository = new IdentityRepository(db);
  return {
    integrations: new IntegrationService({ db, logger, box: secretBox }),
    resources: new ResourceService({ db, logger }),
    stages: new StageService({ db, logger }),
    templates: new TemplateService({ db, logger }),
    identity: new IdentityService(
      identityRepository,
      new LoginThrottle(new LoginThrottleRepository(db), config.identity.loginThrottle),
      { sessionTtlMs: config.identity.sessionTtlMs },
      logger,
    ),
    users: new UsersService({ db, logger }, identityRepository),
    apiTokens: new ApiTokensService({ db, logger }, identityRepository),
    tenants: new TenantsService({ db, logger }),
    tenantsPresenter: new TenantsPresenter(db),
    projects: new ProjectsService({ db, logger }),
    projectsPresenter: new ProjectsPresenter(db),
    audit: new AuditPresenter(db),
    workflows: new WorkflowsService({ db, logger }),
    workflowsPresenter: new WorkflowsPresenter(db),
    triggers: new TriggersService({ db, logger }),
    manifests: new ManifestsService({ db, logger }),
    runs: new RunsService({ db, logger, onRunChanged: hooks.onRunChanged }),
    runsPresenter: new RunsPresenter(db),
    runEvents: new RunEvents({ databaseUrl: () => hooks.databaseUrl ?? config.database.url, logger }),
  };
}
