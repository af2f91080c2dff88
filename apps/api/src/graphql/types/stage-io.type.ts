import { Field, InputType, ObjectType } from 'type-graphql';
import { NamePathFields } from './name-value.type.js';

/** Inputs and outputs of a stage definition (Cyclone's spec.pod.inputs / outputs). */

@ObjectType('StageResourceRef', {
  simpleResolvers: true,
  description: 'A resource a stage takes, and where it is mounted.',
})
@InputType('StageResourceRefInput')
export class StageResourceRef extends NamePathFields {}

@ObjectType('StageResourceSlot', {
  simpleResolvers: true,
  description: 'A resource a template takes or produces by type only; a stage made from it names the resource.',
})
export class StageResourceSlot {
  @Field(() => String, { description: "Git, Svn, Image, KV, General, Http or a registered type's name." })
  type!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Where an input is mounted; for an output, where the stage leaves what its push sends (or null).',
  })
  path?: string;
}

/**
 * An output resource of a stage, of a project's or a workflow's. A parent class only: the
 * types that extend it are the schema's; no field uses this one.
 */
@ObjectType('OutputResourceFields', { simpleResolvers: true })
@InputType('OutputResourceFieldsInput')
export abstract class OutputResourceFields {
  @Field(() => String)
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the stage leaves what the resource pushes (an Http resource, or one whose type has a resolver); under /workspace.',
  })
  path?: string;
}

@ObjectType('StageOutputResource', { simpleResolvers: true })
@InputType('StageOutputResourceInput')
export class StageOutputResource extends OutputResourceFields {}

@ObjectType('StageArtifact', { simpleResolvers: true })
@InputType('StageArtifactInput')
export class StageArtifact extends NamePathFields {}

@ObjectType('StageArgument', { simpleResolvers: true, description: 'A value filled into `{{ name }}` placeholders.' })
export class StageArgument {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The default; required when absent.' })
  value?: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@ObjectType('StageInputs', { simpleResolvers: true })
export class StageInputs {
  @Field(() => [StageResourceRef])
  resources!: StageResourceRef[];

  @Field(() => [StageArtifact])
  artifacts!: StageArtifact[];

  @Field(() => [StageArgument])
  arguments!: StageArgument[];
}

@ObjectType('StageOutputs', { simpleResolvers: true })
export class StageOutputs {
  @Field(() => [StageOutputResource])
  resources!: StageOutputResource[];

  @Field(() => [StageArtifact])
  artifacts!: StageArtifact[];
}

@InputType('StageArgumentInput')
export class StageArgumentInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  value?: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@InputType('StageInputsInput')
export class StageInputsInput {
  @Field(() => [StageResourceRef], { nullable: true })
  resources?: StageResourceRef[];

  @Field(() => [StageArtifact], { nullable: true })
  artifacts?: StageArtifact[];

  @Field(() => [StageArgumentInput], { nullable: true })
  arguments?: StageArgumentInput[];
}

@InputType('StageOutputsInput')
export class StageOutputsInput {
  @Field(() => [StageOutputResource], { nullable: true })
  resources?: StageOutputResource[];

  @Field(() => [StageArtifact], { nullable: true })
  artifacts?: StageArtifact[];
}
