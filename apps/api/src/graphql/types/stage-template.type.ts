import { Field, InputType, ObjectType } from 'type-graphql';
import { TenantObjectRefFields } from './scope.type.js';
import {
  StageCommandInput,
  StageContainerFields,
  StageWorkloadInput,
  StoredStageFields,
} from './stage-container.type.js';
import {
  StageArgument,
  StageArgumentInput,
  StageInputs,
  StageInputsInput,
  StageOutputs,
  StageOutputsInput,
  StageResourceSlot,
} from './stage-io.type.js';

@ObjectType('StageTemplate', {
  simpleResolvers: true,
  implements: StageContainerFields,
  description: 'A stage blueprint with `{{ argument }}` placeholders; built-ins are shared and read-only.',
})
export class StageTemplateObject extends StoredStageFields {
  @Field(() => String, { description: 'build, unit-test, image-build, code-scan, deploy or custom.' })
  kind!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean)
  isBuiltin!: boolean;

  @Field(() => [StageArgument], { description: 'Arguments without a value must be given when it is used.' })
  arguments!: StageArgument[];

  @Field(() => StageInputs, { description: 'Named resources only; typed ones are in inputSlots.' })
  inputs!: StageInputs;

  @Field(() => StageOutputs, { description: 'Named resources only; typed ones are in outputSlots.' })
  outputs!: StageOutputs;

  @Field(() => [StageResourceSlot], {
    description: 'Input resources given by type (`- type: Git`); createStage binds them with inputs.resources.',
  })
  inputSlots!: StageResourceSlot[];

  @Field(() => [StageResourceSlot], {
    description: 'Output resources given by type; createStage binds them with outputs.resources.',
  })
  outputSlots!: StageResourceSlot[];
}

@InputType()
export class CreateStageTemplateInput extends StageCommandInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String, {
    description: "A DNS label, unique in the tenant; a built-in's name makes it shadow that built-in for the tenant.",
  })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to custom.' })
  kind?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [StageArgumentInput], { nullable: true })
  arguments?: StageArgumentInput[];

  @Field(() => String)
  image!: string;

  @Field(() => StageInputsInput, { nullable: true, description: 'Resources and artifacts (arguments go above).' })
  inputs?: StageInputsInput;

  @Field(() => StageOutputsInput, { nullable: true })
  outputs?: StageOutputsInput;
}

@InputType({ description: 'Fields omitted are unchanged.' })
export class UpdateStageTemplateInput extends StageWorkloadInput {
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
}

@InputType()
export class StageTemplateRefInput extends TenantObjectRefFields {}
