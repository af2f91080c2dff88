import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { NameValueInput, NameValueType } from './name-value.type.js';
import {
  StageArgument,
  StageArgumentInput,
  StageInputs,
  StageInputsInput,
  StageOutputs,
  StageOutputsInput,
} from './stage-io.type.js';

@ObjectType('StageTemplate', {
  description: 'A stage blueprint with `{{ argument }}` placeholders; built-ins are shared and read-only.',
})
export class StageTemplateObject {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'build, unit-test, image-build, code-scan, deploy or custom.' })
  kind!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean)
  isBuiltin!: boolean;

  @Field(() => [StageArgument], { description: 'Arguments without a value must be given when it is used.' })
  arguments!: StageArgument[];

  @Field(() => String)
  image!: string;

  @Field(() => [String])
  command!: string[];

  @Field(() => [String])
  args!: string[];

  @Field(() => [NameValueType])
  env!: NameValueType[];

  @Field(() => String, { nullable: true })
  workingDir?: string;

  @Field(() => StageInputs)
  inputs!: StageInputs;

  @Field(() => StageOutputs)
  outputs!: StageOutputs;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType()
export class CreateStageTemplateInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String, { description: 'A DNS label, unique in the tenant and not a built-in name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to custom.' })
  kind?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [StageArgumentInput], { nullable: true })
  arguments?: StageArgumentInput[];

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

  @Field(() => StageInputsInput, { nullable: true, description: 'Resources and artifacts (arguments go above).' })
  inputs?: StageInputsInput;

  @Field(() => StageOutputsInput, { nullable: true })
  outputs?: StageOutputsInput;
}

@InputType({ description: 'Fields omitted are unchanged.' })
export class UpdateStageTemplateInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  kind?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [StageArgumentInput], { nullable: true })
  arguments?: StageArgumentInput[];

  @Field(() => String, { nullable: true })
  image?: string;

  @Field(() => [String], { nullable: true })
  command?: string[];

  @Field(() => [String], { nullable: true })
  args?: string[];

  @Field(() => [NameValueInput], { nullable: true })
  env?: NameValueInput[];

  @Field(() => String, { nullable: true })
  workingDir?: string | null;

  @Field(() => StageInputsInput, { nullable: true })
  inputs?: StageInputsInput;

  @Field(() => StageOutputsInput, { nullable: true })
  outputs?: StageOutputsInput;
}

@InputType()
export class StageTemplateRefInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  name!: string;
}
