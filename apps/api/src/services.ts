import { join } from 'node:path';
import type { Config } from './config/config.js';
import type { DataGenerations } from './db/data-version.js';
import type { NotificationHub } from './db/notification-hub.js';
import { createPlainSql, type PlainSql } from './db/plain-sql.js';
import type { Db } from './db/prisma.js';
import type { Logger } from './logging/logger.js';
import { type ArtifactStore, FilesystemArtifactStore } from './modules/artifacts/artifact-store.js';
import { RunDownloads } from './modules/artifacts/run-downloads.presenter.js';
import { S3ArtifactStore } from './modules/artifacts/s3-artifact-store.js';
import { AuditPresenter } from './modules/audit/audit.presenter.js';
import { CachesService } from './modules/caches/caches.service.js';
import { EnginePresenter } from './modules/engine/engine.presenter.js';
import { AccountService } from './modules/identity/account.service.js';
import { ApiTokensService } from './modules/identity/api-tokens.service.js';
import { AuthCache } from './modules/identity/auth-cache.js';
import { IdentityRepository } from './modules/identity/identity.repository.js';
import { IdentityService } from './modules/identity/identity.service.js';
import { LoginThrottle } from './modules/identity/login-throttle.js';
import { LoginThrottleRepository } from './modules/identity/login-throttle.repository.js';
import { OidcProvider } from './modules/identity/oidc.provider.js';
import { SsoService } from './modules/identity/sso.service.js';
import { UsersService } from './modules/identity/users.service.js';
import { loadEncryptionKey } from './modules/integrations/encryption-key.js';
import { IntegrationService } from './modules/integrations/integrations.service.js';
import { SecretBox } from './modules/integrations/secret-box.js';
import { ManifestsService } from './modules/manifests/manifests.service.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import { PipelinesService } from './modules/pipelines/pipelines.service.js';
import { PreflightService } from './modules/preflight/preflight.service.js';
import { ProjectsPresenter } from './modules/projects/projects.presenter.js';
import { ProjectsService } from './modules/projects/projects.service.js';
import { RegistriesService } from './modules/registries/registries.service.js';
import { ResourceTypeService } from './modules/resource-types/resource-types.service.js';
import { ResourceService } from './modules/resources/resources.service.js';
import { DelegationsService } from './modules/runs/delegations.service.js';
import { LogSearchPresenter } from './modules/runs/log-search.presenter.js';
import { RunEvents } from './modules/runs/run-events.js';
import { RunInsightsPresenter } from './modules/runs/run-insights.presenter.js';
import { RunNumbers } from './modules/runs/run-numbers.js';
import { RunStreams } from './modules/runs/run-streams.js';
import { RunsPresenter } from './modules/runs/runs.presenter.js';
import { RunsService } from './modules/runs/runs.service.js';
import { StageApprovalService } from './modules/runs/stage-approval.service.js';
import { StageIngestRepository } from './modules/runs/stage-ingest.repository.js';
import { StreamAccessChecks } from './modules/runs/stream-access.js';
import { ScmBrowseService } from './modules/scm/scm-browse.service.js';
import { MUTATION_CONNECT_WAIT_MS, MUTATION_TIMEOUT_MS } from './modules/shared/mutation.js';
import { StageService } from './modules/stages/stages.service.js';
import { TemplateService } from './modules/templates/templates.service.js';
import { SsoGroupRolesService } from './modules/tenants/sso-group-roles.service.js';
import { TenantsPresenter } from './modules/tenants/tenants.presenter.js';
import { TenantsService } from './modules/tenants/tenants.service.js';
import { TriggersService } from './modules/triggers/triggers.service.js';
import { WebhooksService } from './modules/webhooks/webhooks.service.js';
import { WorkflowsPresenter } from './modules/workflows/workflows.presenter.js';
import { WorkflowsService } from './modules/workflows/workflows.service.js';

/** runWorkflow's own connections: a burst of submissions queues here, not for the API's reads. */
const SUBMIT_CONNECTIONS = 4;

/** Every domain service, wired once per process. */
export interface Services {
  /** Tenants' stage caches (list, delete). */
  caches: CachesService;
  identity: IdentityService;
  users: UsersService;
  /** The signed-in user's own credentials: logout, password, sessions. */
  account: AccountService;
  apiTokens: ApiTokensService;
  /** Single sign-on with an OpenID Connect provider; undefined when none is set up. */
  sso: SsoService | undefined;
  /** How one may sign in (the sign-in page asks before showing its form and buttons). */
  signInOptions: { password: boolean; ssoName: string | null };
  tenants: TenantsService;
  /** A tenant's SSO group → role mapping. */
  ssoGroupRoles: SsoGroupRolesService;
  tenantsPresenter: TenantsPresenter;
  projects: ProjectsService;
  projectsPresenter: ProjectsPresenter;
  audit: AuditPresenter;
  integrations: IntegrationService;
  resources: ResourceService;
  resourceTypes: ResourceTypeService;
  stages: StageService;
  templates: TemplateService;
  workflows: WorkflowsService;
  workflowsPresenter: WorkflowsPresenter;
  triggers: TriggersService;
  /** SCM and trigger webhooks, repository webhook registration, commit statuses. */
  webhooks: WebhooksService;
  manifests: ManifestsService;
  runs: RunsService;
  /** approveStage, rejectStage: decisions on approval gates. */
  stageApprovals: StageApprovalService;
  /** Callbacks and completeDelegatedStage: how delegated stages end. */
  delegations: DelegationsService;
  /** Registry catalog/tags reads and IMAGE resource checks through registry integrations. */
  registries: RegistriesService;
  preflight: PreflightService;
  scmBrowse: ScmBrowseService;
  pipelines: PipelinesService;
  /** Workflow notification settings (deliveries are the controller's NotificationReconciler). */
  notifications: NotificationsService;
  runsPresenter: RunsPresenter;
  /** Where stages run (recorded by the controller at start). */
  engine: EnginePresenter;
  runInsights: RunInsightsPresenter;
  /** searchLogs: stored log lines of a tenant's runs by words and phrases. */
  logSearch: LogSearchPresenter;
  runEvents: RunEvents;
  /** Live reads of runs, logs and a tenant's runs for subscriptions. */
  runStreams: RunStreams;
  /** What stage pods report over HTTP: logs, outputs, artifacts of a running attempt. */
  stageIngest: StageIngestRepository;
  /** Opens integration secrets; the executor uses it for `${secrets.…}` and resource credentials. */
  secretBox: SecretBox;
  artifactStore: ArtifactStore;
  runDownloads: RunDownloads;
}

export function createServices(
  db: Db,
  config: Config,
  logger: Logger,
  hooks: {
    /** The process's LISTEN connection: run subscriptions are fed from it. */
    hub: NotificationHub;
    databaseUrl: string;
    /** With it, authentications are cached until identity data changes (see AuthCache). */
    dataVersion?: DataGenerations;
    /** Plain pg for the hottest reads (see PlainSql). */
    plainSql: PlainSql;
  },
): Services {
  const secretBox = new SecretBox(
    loadEncryptionKey({ ...config.secrets, hasExternalDatabase: config.database.url !== undefined }, logger),
  );
  const identityRepository = new IdentityRepository(db);
  const loginThrottle = new LoginThrottle(new LoginThrottleRepository(db), config.identity.loginThrottle);
  // Every replica must see the same artifacts: an object store when configured.
  const artifactStore: ArtifactStore = config.engine.objectStore
    ? new S3ArtifactStore(config.engine.objectStore)
    : new FilesystemArtifactStore(join(config.database.dataDir, 'artifacts'));
  const webhooks = new WebhooksService({
    db,
    logger,
    box: secretBox,
    publicUrl: config.publicUrl,
    payloadsKept: config.engine.runRetention,
    identity: { authenticate: (authorization) => services.identity.authenticate(authorization) },
  });
  const identity = new IdentityService(
    identityRepository,
    loginThrottle,
    {
      sessionTtlMs: config.identity.sessionTtlMs,
      authCache: hooks.dataVersion ? new AuthCache(hooks.dataVersion) : undefined,
      passwordSignIn: config.identity.passwordSignIn,
    },
    logger,
  );
  const sso = config.identity.sso;
  const runsPresenter = new RunsPresenter(db);
  const runEvents = new RunEvents(hooks.hub);
  const services: Services = {
    caches: new CachesService({ db, logger, store: artifactStore }),
    integrations: new IntegrationService({
      db,
      logger,
      box: secretBox,
      checkTimeoutMs: config.integrations.checkTimeoutMs,
    }),
    resources: new ResourceService({ db, logger, box: secretBox }),
    resourceTypes: new ResourceTypeService({ db, logger }),
    stages: new StageService({ db, logger }),
    templates: new TemplateService({ db, logger }),
    identity,
    users: new UsersService({ db, logger }, identityRepository),
    account: new AccountService({ db, logger }, identityRepository, loginThrottle),
    apiTokens: new ApiTokensService({ db, logger }, identityRepository),
    sso: sso
      ? new SsoService({
          db,
          logger,
          box: secretBox,
          settings: sso,
          provider: new OidcProvider(sso, logger),
          identity,
          adminEmail: config.identity.adminEmail,
        })
      : undefined,
    signInOptions: { password: config.identity.passwordSignIn, ssoName: sso?.displayName ?? null },
    tenants: new TenantsService({ db, logger }),
    ssoGroupRoles: new SsoGroupRolesService({ db, logger }),
    tenantsPresenter: new TenantsPresenter(db),
    projects: new ProjectsService({ db, logger }),
    projectsPresenter: new ProjectsPresenter(hooks.plainSql),
    audit: new AuditPresenter(db),
    workflows: new WorkflowsService({ db, logger }),
    workflowsPresenter: new WorkflowsPresenter(db, hooks.plainSql),
    triggers: new TriggersService({ db, logger, repositoryWebhooks: webhooks.repositoryWebhooks }),
    webhooks,
    manifests: new ManifestsService({ db, logger, box: secretBox, repositoryWebhooks: webhooks.repositoryWebhooks }),
    runs: new RunsService({
      db,
      logger,
      numbers: new RunNumbers({ databaseUrl: () => hooks.databaseUrl, logger }),
      sql: createPlainSql(hooks.databaseUrl, SUBMIT_CONNECTIONS, {
        connectWaitMs: MUTATION_CONNECT_WAIT_MS,
        idleInTransactionMs: MUTATION_TIMEOUT_MS,
        // Every trigger submits through these few statements.
        prepared: true,
      }),
    }),
    stageApprovals: new StageApprovalService({ db, logger }),
    delegations: new DelegationsService({ db, logger, box: secretBox }),
    scmBrowse: new ScmBrowseService({ db, box: secretBox }),
    pipelines: new PipelinesService({ db, box: secretBox }),
    registries: new RegistriesService({ db, box: secretBox, timeoutMs: config.integrations.checkTimeoutMs }),
    preflight: new PreflightService({ db, box: secretBox, timeoutMs: config.integrations.checkTimeoutMs }),
    notifications: new NotificationsService({ db, logger, box: secretBox }),
    runsPresenter,
    engine: new EnginePresenter(db),
    runInsights: new RunInsightsPresenter(db),
    logSearch: new LogSearchPresenter(db),
    runEvents,
    runStreams: new RunStreams({
      db,
      sql: hooks.plainSql,
      presenter: runsPresenter,
      events: runEvents,
      access: new StreamAccessChecks(hooks.dataVersion),
    }),
    stageIngest: new StageIngestRepository(db),
    secretBox,
    artifactStore,
    runDownloads: new RunDownloads({ db, store: artifactStore }),
  };
  return services;
}
