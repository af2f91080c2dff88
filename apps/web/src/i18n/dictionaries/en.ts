import { accountEn } from './account.en';
import { dagEditorEn } from './dag-editor.en';
import { integrationDetailEn } from './integration-detail.en';
import { logSearchEn } from './log-search.en';
import { resourcesEn } from './resources.en';
import { runsEn } from './runs.en';
import { settingsEn } from './settings.en';
import { templatesEn } from './templates.en';
/** English messages: the reference dictionary. Every other language has exactly these keys. */
export const en = {
  'app.name': 'Cyclone',
  'app.tagline': 'Kubernetes-native CI/CD workflows',
  'app.skipToContent': 'Skip to content',
  ...accountEn,
  ...dagEditorEn,
  ...integrationDetailEn,
  ...logSearchEn,
  ...resourcesEn,
  ...runsEn,
  ...settingsEn,
  ...templatesEn,

  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.errorCode': 'Code: {code}',
  'common.notAvailable': '—',
  'common.close': 'Close',

  'language.label': 'Language',
  'language.en': 'English',
  'language.zh-CN': '简体中文',

  'nav.label': 'Main navigation',
  'nav.overview': 'Overview',
  'nav.projects': 'Projects',
  'nav.templates': 'Templates',
  'nav.workflows': 'Workflows',
  'nav.integrations': 'Integration Center',

  'tenant.label': 'Tenant',
  'tenant.none': 'No tenant',
  'tenant.noneHint': 'Tenants will appear here once one is created.',

  'userMenu.label': 'Account menu for {name}',
  'userMenu.signOut': 'Sign out',
  'userMenu.signedInAs': 'Signed in as',

  'live.connected': 'Live',
  'live.connecting': 'Connecting…',
  'live.offline': 'Reconnecting…',
  'live.connectedHint': 'Live updates are on. Last signal from the server: {time}',
  'live.offlineHint': 'The live connection to the server dropped; Cyclone keeps trying to reconnect.',

  'breadcrumbs.label': 'Breadcrumb',
  'breadcrumbs.home': 'Cyclone',

  'auth.login.title': 'Sign in to Cyclone',
  'auth.login.subtitle': 'Use the account your administrator gave you.',
  'auth.login.email': 'Email',
  'auth.login.password': 'Password',
  'auth.login.submit': 'Sign in',
  'auth.login.submitting': 'Signing in…',
  'auth.login.invalidCredentials': 'The email or password is incorrect.',
  'auth.login.missingFields': 'Enter your email and password.',
  'auth.login.failed': 'Sign-in failed: {message}',
  'auth.login.or': 'or',
  'auth.login.sso': 'Sign in with {name}',
  'auth.sso.completing': 'Completing single sign-on…',
  'auth.sso.failed': 'Single sign-on did not complete: {message}',
  'auth.sso.notStarted':
    'This sign-in was not started in this browser tab, or it was already used. Start again from the sign-in page.',
  'auth.sso.back': 'Back to sign-in',
  'auth.sessionCheckFailed': 'Cyclone could not load your session.',

  'errors.network': 'Cyclone could not reach the server. Check your connection and try again.',
  'errors.unavailable': 'The Cyclone API is not reachable at the moment.',
  'errors.generic': 'Something went wrong.',
  'errors.notFound.title': 'Page not found',
  'errors.notFound.body': 'The page you asked for does not exist or has moved.',
  'errors.notFound.back': 'Back to Overview',

  'engine.warningTitle': 'Stages are not isolated:',
  'engine.executor.host': 'Stages run as processes on this machine',
  'engine.executor.container': 'Stages run in containers',
  'engine.executor.kubernetes': 'Stages run as Kubernetes pods',

  'overview.title': 'Overview',
  'overview.description': 'Your projects, workflows and runs at a glance.',
  'overview.stats.label': 'Summary',
  'overview.stats.projects': 'Projects',
  'overview.stats.workflows': 'Workflows',
  'overview.stats.runsToday': 'Runs today',
  'overview.stats.successRate': 'Success rate',
  'overview.stats.noData': 'No data yet',
  'overview.start.title': 'Get started',
  'overview.start.body': 'Nothing has run here yet. Three steps take you to your first pipeline run:',
  'overview.start.step1.title': 'Create a project',
  'overview.start.step1.body': 'A project groups the workflows, resources and integrations of one application.',
  'overview.start.step2.title': 'Connect your code',
  'overview.start.step2.body': 'Add a source code host or an image registry in the Integration Center.',
  'overview.start.step3.title': 'Add and run a workflow',
  'overview.start.step3.body': 'Describe your pipeline as a graph of stages, then run it and follow it live.',
  'overview.recentRuns.title': 'Recent runs',
  'overview.recentRuns.emptyTitle': 'No runs yet',
  'overview.recentRuns.emptyBody': 'Runs of your workflows appear here as soon as they start.',
  'overview.recentRuns.colRun': 'Run',
  'overview.recentRuns.colWorkflow': 'Workflow',
  'overview.recentRuns.colStatus': 'Status',
  'overview.recentRuns.colStarted': 'Started',
  'overview.recentRuns.colDuration': 'Duration',

  'projects.title': 'Projects',
  'projects.description': 'Projects group the workflows, resources and integrations of one application.',
  'projects.emptyTitle': 'No projects yet',
  'projects.emptyBody':
    'Projects live in a tenant. Once your workspace has a tenant, create a project here, then add workflows to it.',

  'templates.title': 'Templates',
  'templates.description': 'Reusable stages, such as build, test or image push, that workflows start from.',
  'templates.emptyTitle': 'No stage templates yet',
  'templates.emptyBody':
    'Stage templates applied with Cyclone YAML appear here, ready to be used as the starting point of a stage.',

  'workflows.title': 'Workflows',
  'workflows.description': 'Pipelines described as graphs of stages that run in containers.',
  'workflows.emptyTitle': 'No workflows yet',
  'workflows.emptyBody': 'Create a project first, then add a workflow to it with the editor or with Cyclone YAML.',

  'integrations.title': 'Integration Center',
  'integrations.description': 'Credentials and endpoints of the systems your workflows use.',
  'integrations.emptyTitle': 'No integrations yet',
  'integrations.emptyBody':
    'Connect source code hosts (GitHub, GitLab, Bitbucket, SVN), image registries (Harbor, Docker Hub), Kubernetes clusters and SonarQube so workflows can use them.',

  'table.sortAscending': 'Sort ascending',
  'table.sortDescending': 'Sort descending',

  'phase.PENDING': 'Pending',
  'phase.WAITING': 'Waiting',
  'phase.RUNNING': 'Running',
  'phase.SUCCEEDED': 'Succeeded',
  'phase.FAILED': 'Failed',
  'phase.CANCELLED': 'Cancelled',
  'phase.SKIPPED': 'Skipped',

  'design.title': 'Design system',
  'design.description': 'The building blocks of the Cyclone interface.',
  'design.buttons': 'Buttons',
  'design.fields': 'Fields',
  'design.status': 'Status',
  'design.table': 'Table',
  'design.skeleton': 'Loading skeleton',
  'design.empty': 'Empty state',
  'design.sample.primary': 'Primary',
  'design.sample.secondary': 'Secondary',
  'design.sample.ghost': 'Ghost',
  'design.sample.danger': 'Danger',
  'design.sample.disabled': 'Disabled',
  'design.sample.fieldLabel': 'Workflow name',
  'design.sample.fieldHint': 'Lowercase letters, digits and dashes.',
  'design.sample.fieldError': 'Use at most 63 characters.',
  'design.sample.colName': 'Name',
  'design.sample.colStatus': 'Status',
  'design.sample.colDuration': 'Duration',
  'design.sample.emptyTitle': 'Nothing here yet',
  'design.sample.emptyBody': 'Explain what belongs here and what to do first.',
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
