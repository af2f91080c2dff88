import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import { AuditResolver } from './resolvers/audit.resolver.js';
import { CacheResolver } from './resolvers/cache.resolver.js';
import { RunParentResolver, RunParentRunResolver, StageChildRunResolver } from './resolvers/child-workflow.resolver.js';
import { CronPreviewResolver } from './resolvers/cron-preview.resolver.js';
import { IntegrationExecutionClusterResolver } from './resolvers/execution-cluster.resolver.js';
import { IdentityResolver } from './resolvers/identity.resolver.js';
import { IntegrationResolver } from './resolvers/integration.resolver.js';
import { LogSearchResolver } from './resolvers/log-search.resolver.js';
import { ManifestsResolver } from './resolvers/manifests.resolver.js';
import { RunNotificationsResolver, WorkflowNotificationsResolver } from './resolvers/notification.resolver.js';
import { WorkflowPipelineRevisionResolver } from './resolvers/pipeline-revision.resolver.js';
import { PreflightResolver } from './resolvers/preflight.resolver.js';
import { ProjectResolver } from './resolvers/project.resolver.js';
import { ProjectWorkflowsResolver } from './resolvers/project-workflows.resolver.js';
import { RegistryResolver } from './resolvers/registry.resolver.js';
import { ProjectResourcesResolver, ResourceResolver } from './resolvers/resource.resolver.js';
import { ResourceTypeResolver } from './resolvers/resource-type.resolver.js';
import { RunArtifactsResolver } from './resolvers/run-artifacts.resolver.js';
import { RunInsightsResolver } from './resolvers/run-insights.resolver.js';
import { RunTriggerResolver } from './resolvers/run-trigger.resolver.js';
import { ScmBrowseResolver, WebhookDeliveryResolver } from './resolvers/scm-browse.resolver.js';
import { ProjectStagesResolver, StageResolver } from './resolvers/stage.resolver.js';
import { StageApprovalDecisionResolver, StageApprovalResolver } from './resolvers/stage-approval.resolver.js';
import { StageDelegationResolver } from './resolvers/stage-delegation.resolver.js';
import { RunCriticalPathResolver, WorkflowStageHealthResolver } from './resolvers/stage-health.resolver.js';
import { StageTemplateResolver } from './resolvers/stage-template.resolver.js';
import {
  ProjectSyncStatusResolver,
  TenantSyncStatusResolver,
  WorkflowSyncStatusResolver,
} from './resolvers/sync-status.resolver.js';
import { SystemResolver } from './resolvers/system.resolver.js';
import { TenantResolver } from './resolvers/tenant.resolver.js';
import { TenantRunsStreamResolver } from './resolvers/tenant-runs-stream.resolver.js';
import { TriggerExplainResolver } from './resolvers/trigger-explain.resolver.js';
import { UserResolver } from './resolvers/user.resolver.js';
import { WorkflowResolver, WorkflowRunFieldsResolver, WorkflowVersionResolver } from './resolvers/workflow.resolver.js';
import { WorkflowRunResolver } from './resolvers/workflow-run.resolver.js';
import { WorkflowTriggerResolver } from './resolvers/workflow-trigger.resolver.js';

export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AuditResolver,
      CacheResolver,
      CronPreviewResolver,
      IdentityResolver,
      UserResolver,
      ProjectResolver,
      TenantResolver,
      IntegrationResolver,
      ResourceResolver,
      ProjectResourcesResolver,
      ResourceTypeResolver,
      StageResolver,
      ProjectStagesResolver,
      StageTemplateResolver,
      SystemResolver,
      TenantSyncStatusResolver,
      IntegrationExecutionClusterResolver,
      ProjectSyncStatusResolver,
      WorkflowSyncStatusResolver,
      WorkflowResolver,
      WorkflowVersionResolver,
      WorkflowRunFieldsResolver,
      WorkflowRunResolver,
      StageApprovalResolver,
      StageApprovalDecisionResolver,
      StageDelegationResolver,
      StageChildRunResolver,
      RunParentResolver,
      RunParentRunResolver,
      RunInsightsResolver,
      PreflightResolver,
      RunCriticalPathResolver,
      WorkflowStageHealthResolver,
      WorkflowPipelineRevisionResolver,
      LogSearchResolver,
      TriggerExplainResolver,
      TenantRunsStreamResolver,
      RunArtifactsResolver,
      ProjectWorkflowsResolver,
      WorkflowTriggerResolver,
      ManifestsResolver,
      RegistryResolver,
      ScmBrowseResolver,
      WebhookDeliveryResolver,
      RunTriggerResolver,
      WorkflowNotificationsResolver,
      RunNotificationsResolver,
    ],
    authChecker,
    // In-process fan-out; events from other processes arrive through Postgres LISTEN/NOTIFY.
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: false,
  });
}
