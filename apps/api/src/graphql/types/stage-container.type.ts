import { Field, InputType, InterfaceType } from 'type-graphql';
import { NameValueInput, NameValueType } from './name-value.type.js';
import { withStoredObjectFields } from './named-object.type.js';
import { StageInputsInput, StageOutputsInput } from './stage-io.type.js';

/**
 * What a container runs: stages and the services beside them. A parent class only: no
 * field uses it and no type implements it, so it is not in the schema itself.
 */
@InterfaceType('ContainerFields')
export abstract class ContainerFields {
  @Field(() => String)
  image!: string;

  @Field(() => [String])
  command!: string[];

  @Field(() => [String])
  args!: string[];

  @Field(() => [NameValueType])
  env!: NameValueType[];
}

/** The workload every stage-like type runs: project stages, templates, workflow stages. */
@InterfaceType('StageWorkload', { description: 'What a stage runs: its container image, command and environment.' })
export abstract class StageContainerFields extends ContainerFields {
  @Field(() => String, { nullable: true })
  workingDir?: string;
}

/** A stored stage-like object: project stages and templates (a parent class only). */
export const StoredStageFields = withStoredObjectFields(StageContainerFields, 'StoredStageFields');

/** How a container input runs its image, all optional: stages' and services' (a parent class only). */
@InputType('ContainerCommandInput')
export class ContainerCommandInput {
  @Field(() => [String], { nullable: true })
  command?: string[];

  @Field(() => [String], { nullable: true })
  args?: string[];

  @Field(() => [NameValueInput], { nullable: true })
  env?: NameValueInput[];
}

/**
 * How every stage-like input runs its image, all optional: workflow stages, stages
 * and templates. Only a parent class: the inputs that extend it are the schema's types.
 */
@InputType('StageCommandInput')
export class StageCommandInput extends ContainerCommandInput {
  @Field(() => String, { nullable: true })
  workingDir?: string | null;
}

/**
 * The workload fields of the stage and template inputs, all optional: create inputs
 * take what a template does not give, update inputs change only what they name.
 * Only a parent class: the inputs that extend it are the schema's types.
 */
@InputType('StageWorkloadInput')
export class StageWorkloadInput extends StageCommandInput {
  @Field(() => String, { nullable: true })
  image?: string;

  @Field(() => StageInputsInput, { nullable: true })
  inputs?: StageInputsInput;

  @Field(() => StageOutputsInput, { nullable: true })
  outputs?: StageOutputsInput;
}
