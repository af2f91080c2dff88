import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NotificationOutcome, NotificationPolicy } from '../../generated/prisma/enums.js';
import { WorkflowScopeInput } from './scope.type.js';

registerEnumType(NotificationPolicy, {
  name: 'NotificationPolicy',
  description: 'Which finished runs are notified: ALWAYS (also CANCELLED), SUCCESS (SUCCEEDED) or FAILURE (FAILED).',
});
registerEnumType(NotificationOutcome, {
  name: 'NotificationOutcome',
  description: 'PENDING (not yet delivered, maybe retrying), DELIVERED or FAILED (gave up).',
});

export enum NotificationReceiverType {
  WEBHOOK = 'WEBHOOK',
  SLACK = 'SLACK',
  EMAIL = 'EMAIL',
}
registerEnumType(NotificationReceiverType, {
  name: 'NotificationReceiverType',
  description:
    'WEBHOOK: JSON POST of the run summary, signed with X-Cyclone-Signature-256; SLACK: a Slack-compatible incoming webhook; EMAIL: via the SMTP settings of a GENERAL integration.',
});

@ObjectType('NotificationReceiver', { simpleResolvers: true })
export class NotificationReceiverObject {
  @Field(() => String)
  name!: string;

  @Field(() => NotificationReceiverType)
  type!: NotificationReceiverType;

  @Field(() => String, { nullable: true, description: 'WEBHOOK: where the run summary is POSTed.' })
  url?: string;

  @Field(() => [String], { nullable: true, description: 'EMAIL: recipients.' })
  to?: string[];

  @Field(() => String, { nullable: true, description: 'EMAIL: the GENERAL integration with the SMTP settings.' })
  integration?: string;

  @Field(() => Boolean, { description: 'Whether a secret is stored (WEBHOOK signing key, SLACK URL); never returned.' })
  hasSecret!: boolean;
}

@ObjectType('WorkflowNotifications', {
  simpleResolvers: true,
  description: 'Who hears about finished runs of a workflow.',
})
export class WorkflowNotificationsType {
  @Field(() => NotificationPolicy)
  policy!: NotificationPolicy;

  @Field(() => [NotificationReceiverObject])
  receivers!: NotificationReceiverObject[];

  @Field(() => Date, { description: 'Runs that finished before this are not notified.' })
  updatedAt!: Date;
}

@ObjectType('RunNotification', {
  simpleResolvers: true,
  description: "One receiver's delivery for a run: its end, or an approval stage waiting for a decision.",
})
export class RunNotificationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  receiver!: string;

  @Field(() => NotificationReceiverType)
  type!: NotificationReceiverType;

  @Field(() => String, {
    description: 'workflowRun.finished, or stage.approvalRequested: an approval stage (`stage`) waits for a decision.',
  })
  event!: string;

  @Field(() => String, { nullable: true, description: 'The approval stage of a stage.approvalRequested delivery.' })
  stage?: string | null;

  @Field(() => NotificationOutcome)
  outcome!: NotificationOutcome;

  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status (WEBHOOK, SLACK) or SMTP reply code (EMAIL) of the last attempt.',
  })
  statusCode!: number | null;

  @Field(() => String, { description: 'Why the last attempt failed; empty when delivered.' })
  error!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date, { description: 'When the next attempt is due (PENDING).' })
  nextAttemptAt!: Date;
}

@InputType()
export class NotificationReceiverInput {
  @Field(() => String, { description: 'A DNS label, unique among the receivers.' })
  name!: string;

  @Field(() => NotificationReceiverType)
  type!: NotificationReceiverType;

  @Field(() => String, {
    nullable: true,
    description:
      'WEBHOOK: the URL to POST to. SLACK: the incoming webhook URL (stored encrypted; omit to keep the stored one).',
  })
  url?: string;

  @Field(() => String, {
    nullable: true,
    description: 'WEBHOOK: HMAC-SHA256 key for X-Cyclone-Signature-256 (write-only; omit to keep the stored one).',
  })
  secret?: string;

  @Field(() => [String], { nullable: true, description: 'EMAIL: recipients.' })
  to?: string[];

  @Field(() => String, {
    nullable: true,
    description: 'EMAIL: a GENERAL integration with config smtpHost, smtpPort, from.',
  })
  integration?: string;
}

@InputType()
export class SetWorkflowNotificationsInput extends WorkflowScopeInput {
  @Field(() => NotificationPolicy)
  policy!: NotificationPolicy;

  @Field(() => [NotificationReceiverInput], {
    description: 'Replaces every receiver; an empty list turns notifications off.',
  })
  receivers!: NotificationReceiverInput[];
}
