import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WebhookOutcome } from '../../generated/prisma/enums.js';

registerEnumType(WebhookOutcome, {
  name: 'WebhookOutcome',
  description:
    'ACCEPTED: verified, runs started (maybe none); IGNORED: nothing Cyclone acts on; REJECTED: unsigned, forged, oversize or malformed; FAILED: the SCM server could not be asked, a redelivery retries.',
});

@ObjectType('ScmRepository', {
  simpleResolvers: true,
  description: 'A repository of an SCM integration, named as triggers name it.',
})
export class ScmRepositoryType {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  defaultBranch?: string;

  @Field(() => String, { nullable: true })
  cloneUrl?: string;
}

@ObjectType('ScmBranch', { simpleResolvers: true })
export class ScmBranchType {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Head commit SHA (SVN: last changed revision).' })
  revision!: string;
}

@ObjectType('WebhookDelivery', {
  simpleResolvers: true,
  description: 'One request received at `/webhooks/<integration-id>`.',
})
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: "The server's delivery id (verified deliveries only)." })
  deliveryId!: string | null;

  @Field(() => String, { description: 'What the server called the event, e.g. "push".' })
  event!: string;

  @Field(() => WebhookOutcome)
  outcome!: WebhookOutcome;

  @Field(() => Int, { description: 'The HTTP status Cyclone answered with.' })
  status!: number;

  @Field(() => String)
  reason!: string;

  @Field(() => Date)
  receivedAt!: Date;

  /** Resolved by `runs`. */
  runIds!: string[];
}
