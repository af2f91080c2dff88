import { Field, InputType, ObjectType } from 'type-graphql';
import { NameValueInput } from './name-value.type.js';
import { StageContainerFields, StageWorkloadInput, StoredStageFields } from './stage-container.type.js';
import { StageDelegationType } from './stage-delegation.type.js';
import { StageInputs, StageOutputs } from './stage-io.type.js';
import { StageServiceType } from './stage-service.type.js';

@ObjectType('Stage', {
  simpleResolvers: true,
  implements: StageContainerFields,
  description: "A project's reusable stage definition (Cyclone's kind Stage).",
})
export class StageObject extends StoredStageFields {
  @Field(() => StageInputs)
  inputs!: StageInputs;

  @Field(() => StageOutputs)
  outputs!: StageOutputs;

  @Field(() => [StageServiceType], {
    description:
      "Containers started before the stage's own, reachable from it by name (Cyclone YAML: spec.pod.spec.services).",
  })
  services!: StageServiceType[];

  @Field(() => StageDelegationType, {
    nullable: true,
    description: 'Set for a delegated stage (Cyclone YAML: spec.delegation); its image is then empty.',
  })
  delegation?: StageDelegationType;

  @Field(() => String, { nullable: true, description: 'The template this stage was made from.' })
  template?: string;
}

@InputType({ description: 'Fields omitted are unchanged; workingDir set to null is cleared.' })
export class UpdateStageInput extends StageWorkloadInput {
  @Field(() => String)
  tenant!: string;

  @Field(() => String)
  project!: string;

  @Field(() => String)
  name!: string;
}

/** What an update takes, and the template a new stage may start from. */
@InputType({
  description:
    'With `template`, the template is filled with `arguments` first; the other fields given override its result. `image` is required unless the template gives it.',
})
export class CreateStageInput extends UpdateStageInput {
  @Field(() => String, { description: 'A DNS label, unique in the project.' })
  declare name: string;

  @Field(() => String, { nullable: true, description: 'A stage template: the tenant’s or a built-in one.' })
  template?: string;

  @Field(() => [NameValueInput], { nullable: true, description: 'Values for the template’s arguments.' })
  arguments?: NameValueInput[];
}
