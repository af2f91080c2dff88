import { Field, InputType, ObjectType } from 'type-graphql';

/** Inputs and outputs of a stage definition (Cyclone's spec.pod.inputs / outputs). */

@ObjectType('StageResourceRef', { description: 'A resource a stage takes, and where it is mounted.' })
export class StageResourceRef {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@ObjectType('StageResourceSlot', {
  description: 'A resource a template takes or produces by type only; a stage made from it names the resource.',
})
export class StageResourceSlot {
  @Field(() => String, { description: 'Git, Svn, Image, KV or General.' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'Where an input is mounted; null for outputs.' })
  path?: string;
}

@ObjectType('StageOutputResource')
export class StageOutputResource {
  @Field(() => String)
  name!: string;
}

@ObjectType('StageArtifact')
export class StageArtifact {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@ObjectType('StageArgument', { description: 'A value filled into `{{ name }}` placeholders.' })
export class StageArgument {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'The default; required when absent.' })
  value?: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@ObjectType('StageInputs')
export class StageInputs {
  @Field(() => [StageResourceRef])
  resources!: StageResourceRef[];

  @Field(() => [StageArtifact])
  artifacts!: StageArtifact[];

  @Field(() => [StageArgument])
  arguments!: StageArgument[];
}

@ObjectType('StageOutputs')
export class StageOutputs {
  @Field(() => [StageOutputResource])
  resources!: StageOutputResource[];

  @Field(() => [StageArtifact])
  artifacts!: StageArtifact[];
}

@InputType('StageResourceRefInput')
export class StageResourceRefInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
}

@InputType('StageOutputResourceInput')
export class StageOutputResourceInput {
  @Field(() => String)
  name!: string;
}

@InputType('StageArtifactInput')
export class StageArtifactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  path!: string;
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
  @Field(() => [StageResourceRefInput], { nullable: true })
  resources?: StageResourceRefInput[];

  @Field(() => [StageArtifactInput], { nullable: true })
  artifacts?: StageArtifactInput[];

  @Field(() => [StageArgumentInput], { nullable: true })
  arguments?: StageArgumentInput[];
}

@InputType('StageOutputsInput')
export class StageOutputsInput {
  @Field(() => [StageOutputResourceInput], { nullable: true })
  resources?: StageOutputResourceInput[];

  @Field(() => [StageArtifactInput], { nullable: true })
  artifacts?: StageArtifactInput[];
}
