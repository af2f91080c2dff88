import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { RunStageRefFields } from './scope.type.js';

@ObjectType('StageDelegation', {
  simpleResolvers: true,
  description:
    'Makes the stage a delegated one (the original Cyclone\'s spec.delegation): Cyclone POSTs {stage, workflow, workflowrun, config, callback: {url, token}} to url and the stage waits (WAITING) until the external system calls back (docs/workflows.md, "Delegation stages").',
})
@InputType('StageDelegationInput')
export class StageDelegationType {
  @Field(() => String, { description: 'What kind of system takes the work, e.g. "Jenkins"; sent along.' })
  type!: string;

  @Field(() => String, { description: 'Where the work is POSTed: http(s), through the outbound policy.' })
  url!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Sent as given: any JSON value.' })
  config?: unknown;
}

export const DelegatedStagePhase = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' } as const;
export type DelegatedStagePhase = (typeof DelegatedStagePhase)[keyof typeof DelegatedStagePhase];
registerEnumType(DelegatedStagePhase, {
  name: 'DelegatedStagePhase',
  description: 'How a delegated stage ended, as the external system (or a member) says.',
});

@InputType('DelegatedStageOutputInput')
export class DelegatedStageOutputInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@InputType('CompleteDelegatedStageInput')
export class CompleteDelegatedStageInput extends RunStageRefFields {
  @Field(() => DelegatedStagePhase)
  phase!: DelegatedStagePhase;

  @Field(() => [DelegatedStageOutputInput], {
    nullable: true,
    description: "The stage's outputs (`stages.<stage>.outputs.<key>`).",
  })
  outputs?: DelegatedStageOutputInput[];

  @Field(() => String, { nullable: true })
  message?: string;
}
