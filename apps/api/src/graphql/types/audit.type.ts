import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { AuditOutcome } from '../../generated/prisma/enums.js';
import { connectionType } from '../relay.js';

registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

@ObjectType('AuditEvent', {
  simpleResolvers: true,
  description: 'One mutation: who did what to which object, and how it ended.',
})
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'e.g. "project.create", "tenant.member.add".' })
  action!: string;

  @Field(() => String)
  objectType!: string;

  @Field(() => String)
  objectName!: string;

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field(() => String, { description: 'Why a failed mutation failed (its error code and message).' })
  message!: string;

  @Field(() => String, { nullable: true })
  actorEmail!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const AuditEventConnection = connectionType(AuditEventType, 'AuditEvent');

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Exact action, e.g. "project.delete".' })
  action?: string | null;

  @Field(() => String, { nullable: true })
  actorEmail?: string | null;

  @Field(() => AuditOutcome, { nullable: true })
  outcome?: AuditOutcome | null;
}
