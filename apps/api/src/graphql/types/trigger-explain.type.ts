import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { SIMULATED_EVENTS } from '../../modules/webhooks/trigger-explain.service.js';
import { TenantScopeInput } from './scope.type.js';
import { WorkflowTriggerType } from './workflow-trigger.type.js';

export const TriggerEventEnum = Object.fromEntries(SIMULATED_EVENTS.map((e) => [e, e])) as {
  [K in (typeof SIMULATED_EVENTS)[number]]: K;
};
registerEnumType(TriggerEventEnum, {
  name: 'TriggerEvent',
  description:
    'A repository event to simulate: a push to a branch, a tag, a pull request into a branch, or a comment on one.',
});

@InputType('SimulateTriggerInput')
export class SimulateTriggerInput extends TenantScopeInput {
  @Field(() => String, { description: 'The SCM integration (by name) the event arrives at.' })
  integration!: string;

  @Field(() => TriggerEventEnum)
  event!: (typeof SIMULATED_EVENTS)[number];

  @Field(() => String, { description: 'The repository as triggers name it, e.g. octocat/Hello-World.' })
  repository!: string;

  @Field(() => String, {
    nullable: true,
    description: 'PUSH: the branch pushed; PULL_REQUEST and COMMENT: the target branch.',
  })
  branch?: string | null;

  @Field(() => String, { nullable: true, description: 'TAG: the tag pushed.' })
  tag?: string | null;

  @Field(() => String, { nullable: true, description: 'COMMENT: the comment text, e.g. /retest.' })
  comment?: string | null;

  @Field(() => String, { nullable: true, description: 'Who caused the event (their login on the SCM server).' })
  author?: string | null;
}

@ObjectType('TriggerExplanation', {
  simpleResolvers: true,
  description: 'Whether an event would start a run of one trigger, and why.',
})
export class TriggerExplanationType {
  @Field(() => WorkflowTriggerType)
  trigger!: WorkflowTriggerType;

  @Field(() => Boolean)
  wouldStart!: boolean;

  @Field(() => String, { description: 'e.g. "branch main does not match release/*".' })
  reason!: string;
}
