import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../relay.js';
import { NameValueInput } from './name-value.type.js';
import { OrderDirection } from './order-direction.type.js';
import { StageContainerFields } from './stage-container.type.js';

@ObjectType('WorkflowStageResource', { description: 'A resource a stage takes, and where it is mounted.' })
export class WorkflowStageResourceType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@ObjectType('WorkflowStageInputArtifact')
export class WorkflowStageInputArtifactType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;

  @Field(() => String, { nullable: true, description: '"<stage>/<artifact>" it is taken from.' })
  source?: string;
}

@ObjectType('WorkflowStageInputs')
export class WorkflowStageInputsType {
  @Field(() => [WorkflowStageResourceType])
  resources!: WorkflowStageResourceType[];

  @Field(() => [WorkflowStageInputArtifactType])
  artifacts!: WorkflowStageInputArtifactType[];
}

@ObjectType('WorkflowStageOutputResource')
export class WorkflowStageOutputResourceType {
  @Field(() => String)
  name!: string;
}

@ObjectType('WorkflowStageOutputArtifact')
export class WorkflowStageOutputArtifactType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@ObjectType('WorkflowStageOutputs')
export class WorkflowStageOutputsType {
  @Field(() => [WorkflowStageOutputResourceType])
  resources!: WorkflowStageOutputResourceType[];

  @Field(() => [WorkflowStageOutputArtifactType])
  artifacts!: WorkflowStageOutputArtifactType[];
}

@ObjectType('WorkflowStage', {
  implements: StageContainerFields,
  description: 'A stage of a workflow version: what it runs and its place in the DAG.',
})
export class WorkflowStageType extends StageContainerFields {
  @Field(() => String)
  name!: string;

  @Field(() => [String])
  dependsOn!: string[];

  @Field(() => Boolean, { description: 'May fail without failing the run.' })
  trivial!: boolean;

  @Field(() => String, { nullable: true, description: 'e.g. "30m"' })
  timeout?: string;

  @Field(() => Int)
  retries!: number;

  @Field(() => String, { nullable: true, description: 'The stage template it was made from.' })
  template?: string;

  @Field(() => WorkflowStageInputsType)
  inputs!: WorkflowStageInputsType;

  @Field(() => WorkflowStageOutputsType)
  outputs!: WorkflowStageOutputsType;
}

@ObjectType('WorkflowVersion', { description: 'An immutable snapshot of a workflow.' })
export class WorkflowVersionType {
  @Field(() => Int)
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Pipelines as code: the commit whose `.cyclone.yaml` this version holds (never the current version).',
  })
  sourceRevision?: string | null;

  @Field(() => String, { nullable: true, description: 'Pipelines as code: the repository of `sourceRevision`.' })
  sourceRepo?: string | null;

  /** Resolved by `creator`. */
  createdById!: string | null;
  workflowId!: string;
}

@ObjectType('Workflow', { description: 'A DAG of stages with immutable versions.' })
export class WorkflowType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Runs of this workflow active at once; null: no limit of its own.' })
  maxConcurrentRuns!: number | null;

  @Field(() => Int, { nullable: true, description: 'Finished runs kept; null: the installation default.' })
  runRetention!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Worker cluster its runs use by default (a KUBERNETES integration); null: the control cluster.',
  })
  executionCluster?: string | null;

  /** Not exposed directly: field resolvers load the rest. */
  projectId!: string;
  currentVersion!: number;
  createdById!: string | null;
}

export const WorkflowConnection = connectionType(WorkflowType, 'Workflow');

export enum WorkflowOrderField {
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(WorkflowOrderField, { name: 'WorkflowOrderField' });

@InputType()
export class WorkflowFilter {
  @Field(() => String, { nullable: true, description: 'Case-insensitive part of the name.' })
  nameContains?: string;
}

@InputType()
export class WorkflowOrder {
  @Field(() => WorkflowOrderField)
  field!: WorkflowOrderField;

  @Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC })
  direction?: OrderDirection;
}

@InputType('WorkflowStageResourceInput')
export class WorkflowStageResourceInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@InputType('WorkflowStageInputArtifactInput')
export class WorkflowStageInputArtifactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;

  @Field(() => String, { description: '"<stage>/<artifact>" of an upstream stage.' })
  source!: string;
}

@InputType('WorkflowStageInputsInput')
export class WorkflowStageInputsInput {
  @Field(() => [WorkflowStageResourceInput], { nullable: true })
  resources?: WorkflowStageResourceInput[];

  @Field(() => [WorkflowStageInputArtifactInput], { nullable: true })
  artifacts?: WorkflowStageInputArtifactInput[];
}

@InputType('WorkflowStageOutputResourceInput')
export class WorkflowStageOutputResourceInput {
  @Field(() => String)
  name!: string;
}

@InputType('WorkflowStageOutputArtifactInput')
export class WorkflowStageOutputArtifactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@InputType('WorkflowStageOutputsInput')
export class WorkflowStageOutputsInput {
  @Field(() => [WorkflowStageOutputResourceInput], { nullable: true })
  resources?: WorkflowStageOutputResourceInput[];

  @Field(() => [WorkflowStageOutputArtifactInput], { nullable: true })
  artifacts?: WorkflowStageOutputArtifactInput[];
}

@InputType('StageInput', { description: 'A stage of a workflow (docs/contract.md §2).' })
export class StageInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  image!: string;

  @Field(() => [String], { nullable: true })
  command?: string[];

  @Field(() => [String], { nullable: true })
  args?: string[];

  @Field(() => [NameValueInput], { nullable: true })
  env?: NameValueInput[];

  @Field(() => String, { nullable: true })
  workingDir?: string;

  @Field(() => [String], { nullable: true })
  dependsOn?: string[];

  @Field(() => WorkflowStageInputsInput, { nullable: true })
  inputs?: WorkflowStageInputsInput;

  @Field(() => WorkflowStageOutputsInput, { nullable: true })
  outputs?: WorkflowStageOutputsInput;

  @Field(() => Boolean, { nullable: true, description: 'May fail without failing the run.' })
  trivial?: boolean;

  @Field(() => String, { nullable: true, description: 'e.g. "30m", "1h30m"' })
  timeout?: string;

  @Field(() => Int, { nullable: true, description: 'Retries after a failure, 0 to 10.' })
  retries?: number;

  @Field(() => String, { nullable: true, description: 'The stage template it was made from.' })
  template?: string;
}

@InputType({ description: 'Names one workflow of a project.' })
export class WorkflowRefInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String)
  name!: string;
}

@InputType()
export class CreateWorkflowInput extends WorkflowRefInput {
  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [NameValueInput], { nullable: true, description: 'Values may use $(random:N) and $(timenow:FORMAT).' })
  globalVariables?: NameValueInput[];

  @Field(() => [StageInput])
  stages!: StageInput[];

  @Field(() => Int, {
    nullable: true,
    description: 'Runs active at once, 1 to 1000; further runs queue. Omitted: unchanged; null: no limit of its own.',
  })
  maxConcurrentRuns?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Finished runs kept, 1 to 100000. Omitted: unchanged; null: the installation default.',
  })
  runRetention?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Worker cluster its runs use unless a run names its own: a KUBERNETES integration of the tenant. Omitted: unchanged; null: the control cluster.',
  })
  executionCluster?: string | null;
}

@InputType({ description: 'The whole new spec; a new immutable version unless it equals the current one.' })
export class UpdateWorkflowInput extends CreateWorkflowInput {}

export enum AppliedAction {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(AppliedAction, { name: 'AppliedAction' });

export enum AppliedTarget {
  RESOURCE = 'RESOURCE',
  STAGE = 'STAGE',
  STAGE_TEMPLATE = 'STAGE_TEMPLATE',
  WORKFLOW = 'WORKFLOW',
  WORKFLOW_TRIGGER = 'WORKFLOW_TRIGGER',
  WORKFLOW_RUN = 'WORKFLOW_RUN',
}
registerEnumType(AppliedTarget, {
  name: 'AppliedTarget',
  description:
    'What a document became. A Stage document labelled `stage.cyclone.dev/template: "true"` is a STAGE_TEMPLATE of the tenant; other Stage documents are STAGEs of the project.',
});

@InputType()
export class ApplyManifestsInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String, { description: 'One or more cyclone.dev/v1alpha1 documents (docs/contract.md §3).' })
  yaml!: string;
}

@ObjectType('AppliedObject', { description: 'What applyManifests did to one document.' })
export class AppliedObjectType {
  @Field(() => String, { description: 'The document kind: Resource, Stage, Workflow, WorkflowTrigger or WorkflowRun.' })
  kind!: string;

  @Field(() => String)
  name!: string;

  @Field(() => AppliedAction, {
    description: 'For a WorkflowRun: CREATED queued a new run, UNCHANGED means that document already made one.',
  })
  action!: AppliedAction;

  @Field(() => AppliedTarget)
  target!: AppliedTarget;

  @Field(() => String, { nullable: true, description: 'More about the outcome, e.g. the number of a queued run.' })
  message?: string;
}
