import { Field, InterfaceType } from 'type-graphql';
import { NameValueType } from './name-value.type.js';

/** The workload every stage-like type runs: project stages, templates, workflow stages. */
@InterfaceType('StageWorkload', { description: 'What a stage runs: its container image, command and environment.' })
export abstract class StageContainerFields {
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
}
