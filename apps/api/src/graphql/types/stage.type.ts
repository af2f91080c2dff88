import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { NameValueInput } from './name-value.type.js';
import { StageContainerFields } from './stage-container.type.js';
import { StageInputs, StageInputsInput, StageOutputs, StageOutputsInput } from './stage-io.type.js';

@ObjectType('Stage', {
  implements: StageContainerFields,
  description: "A project's reusable stage definition (Cyclone's kind Stage).",
})
export class StageObject extends StageContainerFields {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => StageInputs)
  inputs!: StageInputs;

  @Field(() => StageOutputs)
  outputs!: StageOutputs;

  @Field(() => String, { nullable: true, description: 'The template this stage was made from.' })
  template?: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType({
  description:
    'With `template`, the template is filled with `arguments` first; the other fields given override its result.',
})
export class CreateStageInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String, { description: 'A DNS label, unique in the project.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Required unless a template gives it.' })
  image?: string;

  @Field(() => [String], { nullable: true })
  command?: string[];

  @Field(() => [String], { nullable: true })
  args?: string[];

  @Field(() => [NameValueInput], { nullable: true })
  env?: NameValueInput[];

  @Field(() => String, { nullable: true })
  workingDir?: string;

  @Field(() => StageInputsInput, { nullable: true })
  inputs?: StageInputsInput;

  @Field(() => StageOutputsInput, { nullable: true })
  outputs?: StageOutputsInput;

  @Field(() => String, { nullable: true, description: 'A stage template: the tenant’s or a built-in one.' })
  template?: string;

  @Field(() => [NameValueInput], { nullable: true, description: 'Values for the template’s arguments.' })
  arguments?: NameValueInput[];
}

@InputType({ description: 'Fields omitted are unchanged; workingDir set to null is cleared.' })
export class UpdateStageInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String)
  name!: string;

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
