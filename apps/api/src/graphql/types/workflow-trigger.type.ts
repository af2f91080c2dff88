import { CONCURRENCY_POLICIES, type ConcurrencyPolicy } from '@cyclone/domain';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TriggerType } from '../../generated/prisma/enums.js';
import { NameValueInput, NameValueType } from './name-value.type.js';
import { StoredObjectFields } from './named-object.type.js';
import { WorkflowScopeInput } from './scope.type.js';

registerEnumType(TriggerType, {
  name: 'TriggerType',
  description: 'CRON (schedule), SCM (repository events) or WEBHOOK.',
});

export const ConcurrencyPolicyEnum = Object.fromEntries(CONCURRENCY_POLICIES.map((p) => [p, p])) as {
  [K in ConcurrencyPolicy]: K;
};
registerEnumType(ConcurrencyPolicyEnum, {
  name: 'ConcurrencyPolicy',
  description:
    'What a CRON slot does while a run this trigger started is active: ALLOW starts another, FORBID skips the slot, REPLACE stops the active runs and starts a new one.',
});

@ObjectType('BranchFilter', { simpleResolvers: true })
export class BranchFilterType {
  @Field(() => [String], { description: 'Branches that match; empty means every branch.' })
  branches!: string[];
}

@ObjectType('CommentFilter', { simpleResolvers: true })
export class CommentFilterType {
  @Field(() => [String], { description: 'Comments that start a run, e.g. "/rerun".' })
  comments!: string[];

  @Field(() => [String], {
    description:
      'Who may start a run by commenting besides people with write access to the repository (their logins on the SCM server).',
  })
  users!: string[];
}

@ObjectType('ScmTrigger', { simpleResolvers: true })
export class ScmTriggerType {
  @Field(() => String, { description: 'The SCM integration (by name) whose webhook deliveries start runs.' })
  integration!: string;

  @Field(() => String)
  repo!: string;

  @Field(() => BranchFilterType, { nullable: true })
  push?: BranchFilterType;

  @Field(() => Boolean)
  tagRelease!: boolean;

  @Field(() => BranchFilterType, { nullable: true })
  pullRequest?: BranchFilterType;

  @Field(() => CommentFilterType, { nullable: true })
  pullRequestComment?: CommentFilterType;

  @Field(() => Boolean, {
    description:
      'Pipelines as code: runs take the workflow from `.cyclone.yaml` at the pushed revision instead of the stored one.',
  })
  workflowFromRevision!: boolean;
}

@ObjectType('WorkflowTrigger', {
  simpleResolvers: true,
  description: 'Starts runs of a workflow on a schedule, on SCM events or on a webhook.',
})
export class WorkflowTriggerType extends StoredObjectFields {
  @Field(() => TriggerType)
  type!: TriggerType;

  @Field(() => String, { nullable: true, description: 'Five-field cron schedule, read in `timezone`, for CRON.' })
  cron?: string;

  @Field(() => String, {
    nullable: true,
    description: 'CRON: the IANA time zone the schedule is read in (DST included); null = UTC.',
  })
  timezone?: string;

  @Field(() => ConcurrencyPolicyEnum, { description: 'CRON: what a slot does while a run of this trigger is active.' })
  concurrencyPolicy!: ConcurrencyPolicy;

  @Field(() => Int, {
    nullable: true,
    description: 'CRON: a slot missed (controller down) by more than this many seconds is skipped; null = no limit.',
  })
  startingDeadlineSeconds?: number;

  @Field(() => ScmTriggerType, { nullable: true })
  scm?: ScmTriggerType;

  @Field(() => [NameValueType], { description: 'Parameters the started runs get.' })
  parameters!: NameValueType[];

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Date, { nullable: true, description: 'When a CRON trigger fires next (UTC).' })
  nextFireAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Path on this server to POST events to: `/webhooks/<integration-id>` for SCM triggers (the SCM server signs them), `/webhooks/triggers/<trigger-id>` for WEBHOOK triggers (bearer token). Prefix it with the public URL.',
  })
  webhookUrl?: string;
}

@InputType('BranchFilterInput')
export class BranchFilterInput {
  @Field(() => [String], { nullable: true })
  branches?: string[];
}

@InputType('CommentFilterInput')
export class CommentFilterInput {
  @Field(() => [String], { nullable: true })
  comments?: string[];

  @Field(() => [String], {
    nullable: true,
    description:
      'Logins allowed to start runs by commenting besides people with write access (Bitbucket: the only ones). Default none.',
  })
  users?: string[];
}

@InputType('ScmTriggerInput')
export class ScmTriggerInput {
  @Field(() => String, { description: 'Name of an SCM integration (GITHUB GITLAB BITBUCKET SVN GIT) of the tenant.' })
  integration!: string;

  @Field(() => String)
  repo!: string;

  @Field(() => BranchFilterInput, { nullable: true })
  push?: BranchFilterInput;

  @Field(() => Boolean, { nullable: true })
  tagRelease?: boolean;

  @Field(() => BranchFilterInput, { nullable: true })
  pullRequest?: BranchFilterInput;

  @Field(() => CommentFilterInput, { nullable: true })
  pullRequestComment?: CommentFilterInput;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Take the workflow from `.cyclone.yaml` at the pushed revision (default false).',
  })
  workflowFromRevision?: boolean;
}

@InputType({ description: 'Names one trigger of a workflow.' })
export class WorkflowTriggerRefInput extends WorkflowScopeInput {
  @Field(() => String)
  name!: string;
}

@InputType()
export class CreateWorkflowTriggerInput extends WorkflowTriggerRefInput {
  @Field(() => TriggerType)
  type!: TriggerType;

  @Field(() => String, {
    nullable: true,
    description: 'Five-field cron schedule, read in `timezone`, required for CRON.',
  })
  cron?: string;

  @Field(() => String, {
    nullable: true,
    description: 'CRON only: an IANA time zone (Europe/Berlin, America/New_York, UTC); default UTC.',
  })
  timezone?: string;

  @Field(() => ConcurrencyPolicyEnum, { nullable: true, description: 'CRON only; default ALLOW.' })
  concurrencyPolicy?: ConcurrencyPolicy;

  @Field(() => Int, {
    nullable: true,
    description: 'CRON only: skip slots missed by more than this; default no limit.',
  })
  startingDeadlineSeconds?: number;

  @Field(() => ScmTriggerInput, { nullable: true, description: 'Required for SCM.' })
  scm?: ScmTriggerInput;

  @Field(() => [NameValueInput], { nullable: true })
  parameters?: NameValueInput[];

  @Field(() => Boolean, { nullable: true, defaultValue: true })
  enabled?: boolean;
}

@InputType({ description: 'Replaces every setting of the trigger (omitted optional fields are cleared).' })
export class UpdateWorkflowTriggerInput extends CreateWorkflowTriggerInput {}
