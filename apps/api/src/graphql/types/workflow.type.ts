// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone references in descriptions, not JS templates
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../relay.js';
import { ChildWorkflowType } from './child-workflow.type.js';
import { MatrixAxisType } from './matrix.type.js';
import { NamePathFields, NameValueInput } from './name-value.type.js';
import { NamedObjectFields } from './named-object.type.js';
import { OrderDirection } from './order-direction.type.js';
import { ProjectObjectRefInput } from './project.type.js';
import { ProjectScopeInput } from './scope.type.js';
import { WorkflowStageApprovalInput, WorkflowStageApprovalType } from './stage-approval.type.js';
import { StageCacheInput, StageCacheType } from './stage-cache.type.js';
import { StageCommandInput, StageContainerFields } from './stage-container.type.js';
import { StageDelegationType } from './stage-delegation.type.js';
import { OutputResourceFields } from './stage-io.type.js';
import { StageServiceInput, StageServiceType } from './stage-service.type.js';
import { WorkflowResourcesType } from './workflow-resources.type.js';

@ObjectType('WorkflowStageResource', {
  simpleResolvers: true,
  description: 'A resource a stage takes, and where it is mounted.',
})
@InputType('WorkflowStageResourceInput')
export class WorkflowStageResourceType extends NamePathFields {}

@ObjectType('WorkflowStageInputArtifact', { simpleResolvers: true })
export class WorkflowStageInputArtifactType extends NamePathFields {
  @Field(() => String, { nullable: true, description: '"<stage>/<artifact>" it is taken from.' })
  source?: string;
}

@ObjectType('WorkflowStageInputs', { simpleResolvers: true })
export class WorkflowStageInputsType {
  @Field(() => [WorkflowStageResourceType])
  resources!: WorkflowStageResourceType[];

  @Field(() => [WorkflowStageInputArtifactType])
  artifacts!: WorkflowStageInputArtifactType[];
}

@ObjectType('WorkflowStageOutputResource', { simpleResolvers: true })
@InputType('WorkflowStageOutputResourceInput')
export class WorkflowStageOutputResourceType extends OutputResourceFields {}

@ObjectType('WorkflowStageOutputArtifact', { simpleResolvers: true })
@InputType('WorkflowStageOutputArtifactInput')
export class WorkflowStageOutputArtifactType extends NamePathFields {}

@ObjectType('WorkflowStageOutputs', { simpleResolvers: true })
export class WorkflowStageOutputsType {
  @Field(() => [WorkflowStageOutputResourceType])
  resources!: WorkflowStageOutputResourceType[];

  @Field(() => [WorkflowStageOutputArtifactType])
  artifacts!: WorkflowStageOutputArtifactType[];
}

@ObjectType('WorkflowStage', {
  simpleResolvers: true,
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

  @Field(() => String, {
    nullable: true,
    description:
      "CEL condition over variables, params, stages['s'].outputs['k'], stages['s'].phase, trigger and run.phase; false skips the stage.",
  })
  when?: string;

  @Field(() => Boolean, { description: 'Runs after every other stage has ended, whatever the outcome, and on stop.' })
  finally!: boolean;

  @Field(() => WorkflowStageApprovalType, {
    nullable: true,
    description: 'Set for an approval gate, which runs nothing (its image is empty) and waits for members to decide.',
  })
  approval?: WorkflowStageApprovalType;

  @Field(() => ChildWorkflowType, { nullable: true, description: 'Set for a stage that runs another workflow.' })
  workflow?: ChildWorkflowType;

  @Field(() => StageDelegationType, {
    nullable: true,
    description: 'Set for a delegated stage: an external system does its work (its image is empty).',
  })
  delegation?: StageDelegationType;

  @Field(() => [MatrixAxisType], {
    description: 'Runs the stage once per combination of these values (at most 256); empty: no matrix.',
  })
  matrix!: MatrixAxisType[];

  @Field(() => String, {
    nullable: true,
    description: 'Runs the stage once per item of a JSON list in an upstream output: ${stages.STAGE.outputs.KEY}.',
  })
  matrixFrom?: string;

  @Field(() => Int, { nullable: true, description: 'How many combinations run at once (default: all).' })
  maxParallel?: number;
  @Field(() => [StageServiceType], {
    description: "Containers started before the stage's own, reachable from it by name, ended with it.",
  })
  services!: StageServiceType[];

  @Field(() => String, { nullable: true, description: 'The stage template it was made from.' })
  template?: string;

  @Field(() => WorkflowStageInputsType)
  inputs!: WorkflowStageInputsType;

  @Field(() => WorkflowStageOutputsType)
  outputs!: WorkflowStageOutputsType;

  @Field(() => [StageCacheType], {
    description: 'Caches restored before the stage starts and saved after it succeeds.',
  })
  caches!: StageCacheType[];
}

@ObjectType('WorkflowVersion', { simpleResolvers: true, description: 'An immutable snapshot of a workflow.' })
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

@ObjectType('Workflow', { simpleResolvers: true, description: 'A DAG of stages with immutable versions.' })
export class WorkflowType extends NamedObjectFields {
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

@InputType('WorkflowStageInputArtifactInput')
export class WorkflowStageInputArtifactInput extends NamePathFields {
  @Field(() => String, { description: '"<stage>/<artifact>" of an upstream stage.' })
  source!: string;
}

@InputType('WorkflowStageInputsInput')
export class WorkflowStageInputsInput {
  @Field(() => [WorkflowStageResourceType], { nullable: true })
  resources?: WorkflowStageResourceType[];

  @Field(() => [WorkflowStageInputArtifactInput], { nullable: true })
  artifacts?: WorkflowStageInputArtifactInput[];
}

@InputType('WorkflowStageOutputsInput')
export class WorkflowStageOutputsInput {
  @Field(() => [WorkflowStageOutputResourceType], { nullable: true })
  resources?: WorkflowStageOutputResourceType[];

  @Field(() => [WorkflowStageOutputArtifactType], { nullable: true })
  artifacts?: WorkflowStageOutputArtifactType[];
}

@InputType('StageInput', { description: 'A stage of a workflow (docs/contract.md §2).' })
export class StageInput extends StageCommandInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Required unless the stage is an approval gate, a child workflow or delegated.',
  })
  image?: string;

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

  @Field(() => String, {
    nullable: true,
    description:
      "CEL condition over variables, params, stages['s'].outputs['k'], stages['s'].phase, trigger and run.phase; false skips the stage. Checked at save.",
  })
  when?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Runs after every other stage has ended, whatever the outcome, and on stop (default false).',
  })
  finally?: boolean;

  @Field(() => WorkflowStageApprovalInput, {
    nullable: true,
    description: 'Makes the stage an approval gate (docs/workflows.md): approveStage and rejectStage decide it.',
  })
  approval?: WorkflowStageApprovalInput;

  @Field(() => ChildWorkflowType, {
    nullable: true,
    description: 'Makes the stage a run of another workflow of the project (docs/workflows.md); it then has no image.',
  })
  workflow?: ChildWorkflowType;

  @Field(() => StageDelegationType, {
    nullable: true,
    description:
      'Makes the stage a delegated one (docs/workflows.md): it has no image; the external system calls back.',
  })
  delegation?: StageDelegationType;

  @Field(() => [MatrixAxisType], {
    nullable: true,
    description: 'Runs the stage once per combination of these values (at most 256; docs/workflows.md).',
  })
  matrix?: MatrixAxisType[];

  @Field(() => String, {
    nullable: true,
    description:
      'Runs the stage once per item of a JSON list in an upstream output, read when it is ready: ${stages.STAGE.outputs.KEY} (the stage must be in dependsOn).',
  })
  matrixFrom?: string;

  @Field(() => Int, { nullable: true, description: 'How many combinations run at once (default: all).' })
  maxParallel?: number;
  @Field(() => [StageServiceInput], {
    nullable: true,
    description:
      "Containers (a database, a cache) started before the stage's own, reachable from it by name, ended with it (docs/workflows.md).",
  })
  services?: StageServiceInput[];

  @Field(() => String, { nullable: true, description: 'The stage template it was made from.' })
  template?: string;

  @Field(() => [StageCacheInput], {
    nullable: true,
    description: 'Caches restored before the stage starts and saved after it succeeds (docs/workflows.md).',
  })
  caches?: StageCacheInput[];
}

@InputType({ description: 'Names one workflow of a project.' })
export class WorkflowRefInput extends ProjectObjectRefInput {}

@InputType()
export class CreateWorkflowInput extends WorkflowRefInput {
  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [NameValueInput], { nullable: true, description: 'Values may use $(random:N) and $(timenow:FORMAT).' })
  globalVariables?: NameValueInput[];

  @Field(() => WorkflowResourcesType, {
    nullable: true,
    description:
      'Default cpu and memory requests and limits of its stages (docs/workflows.md, "Default resources"). On update, omitted: unchanged; null: none.',
  })
  resources?: WorkflowResourcesType;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Acceleration for its runs (the original's workflowrun.cyclone.dev/acceleration label; docs/workflows.md). On update, omitted: unchanged.",
  })
  acceleration?: boolean | null;

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
  RESOURCE_TYPE = 'RESOURCE_TYPE',
  STAGE = 'STAGE',
  STAGE_TEMPLATE = 'STAGE_TEMPLATE',
  WORKFLOW = 'WORKFLOW',
  WORKFLOW_TRIGGER = 'WORKFLOW_TRIGGER',
  WORKFLOW_RUN = 'WORKFLOW_RUN',
}
registerEnumType(AppliedTarget, {
  name: 'AppliedTarget',
  description:
    'What a document became. A Stage document labelled `stage.cyclone.dev/template: "true"` is a STAGE_TEMPLATE of the tenant; other Stage documents are STAGEs of the project. A Resource document labelled `resource.cyclone.dev/template: "true"` is a RESOURCE_TYPE of the tenant; other Resource documents are RESOURCEs of the project.',
});

@InputType()
export class ApplyManifestsInput extends ProjectScopeInput {
  @Field(() => String, { description: 'One or more cyclone.dev/v1alpha1 documents (docs/contract.md §3).' })
  yaml!: string;
}

@ObjectType('AppliedObject', { simpleResolvers: true, description: 'What applyManifests did to one document.' })
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
