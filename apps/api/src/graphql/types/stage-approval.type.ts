import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantRole } from '../../generated/prisma/enums.js';
import { NameValueInput, NameValueType } from './name-value.type.js';
import { RunStageRefFields } from './scope.type.js';

// Plain objects, as Prisma's enums: the domain's string unions fit them.
export const ApprovalState = {
  PENDING: 'PENDING',
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  TIMED_OUT: 'TIMED_OUT',
} as const;
export type ApprovalState = (typeof ApprovalState)[keyof typeof ApprovalState];
registerEnumType(ApprovalState, {
  name: 'ApprovalState',
  description: 'PENDING (not decided yet, or the run ended first), APPROVED, REJECTED or TIMED_OUT.',
});

export const ApprovalDecision = { APPROVE: 'APPROVE', REJECT: 'REJECT' } as const;
export type ApprovalDecision = (typeof ApprovalDecision)[keyof typeof ApprovalDecision];
registerEnumType(ApprovalDecision, { name: 'ApprovalDecision' });

export const ApprovalTimeoutAction = { FAIL: 'FAIL', SKIP: 'SKIP' } as const;
export type ApprovalTimeoutAction = (typeof ApprovalTimeoutAction)[keyof typeof ApprovalTimeoutAction];
registerEnumType(ApprovalTimeoutAction, {
  name: 'ApprovalTimeoutAction',
  description: 'What a timeout makes of an approval stage: FAIL (the default) or SKIP.',
});

@ObjectType('ApprovalInputField', {
  simpleResolvers: true,
  description: 'A value approvers give; it becomes an output of the stage.',
})
@InputType('ApprovalInputFieldInput')
export class ApprovalInputFieldType {
  @Field(() => String, { description: 'The output key: a letter or _, then letters, digits, _ . -' })
  name!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Every approval must give it.' })
  required?: boolean;

  @Field(() => String, { nullable: true })
  description?: string;
}

/** Shared by the stage's settings and the run's view of them; no field uses this one, so it is not in the schema. */
@ObjectType('StageApprovalSettings', { simpleResolvers: true })
abstract class ApprovalSettingsFields {
  @Field(() => Int, { description: 'Approvals from distinct members needed.' })
  count!: number;

  @Field(() => [TenantRole], {
    description: 'Members with one of these roles may decide; with neither roles nor users: OWNER, ADMIN, DEVELOPER.',
  })
  roles!: TenantRole[];

  @Field(() => [String], { description: 'Emails of members who may decide, whatever their role.' })
  users!: string[];

  @Field(() => String, { nullable: true, description: 'How long it waits, e.g. "24h"; null: until the run ends.' })
  timeout?: string;

  @Field(() => ApprovalTimeoutAction)
  onTimeout!: ApprovalTimeoutAction;

  @Field(() => [ApprovalInputFieldType])
  inputs!: ApprovalInputFieldType[];
}

@ObjectType('WorkflowStageApproval', {
  simpleResolvers: true,
  description: 'Makes the stage an approval gate: it runs nothing and waits for members to decide.',
})
export class WorkflowStageApprovalType extends ApprovalSettingsFields {}

@InputType('WorkflowStageApprovalInput', {
  description: 'An approval gate: the stage then has no image, command, args, env, inputs, outputs or retries.',
})
export class WorkflowStageApprovalInput {
  @Field(() => Int, { nullable: true, description: 'Approvals from distinct members needed, 1 to 20 (default 1).' })
  count?: number;

  @Field(() => [TenantRole], { nullable: true })
  roles?: TenantRole[];

  @Field(() => [String], { nullable: true, description: 'Emails of members who may decide, whatever their role.' })
  users?: string[];

  @Field(() => String, { nullable: true, description: 'e.g. "30m", "24h"; unset: it waits until the run ends.' })
  timeout?: string;

  @Field(() => ApprovalTimeoutAction, { nullable: true })
  onTimeout?: ApprovalTimeoutAction;

  @Field(() => [ApprovalInputFieldType], { nullable: true })
  inputs?: ApprovalInputFieldType[];
}

@ObjectType('StageApprovalDecision', {
  simpleResolvers: true,
  description: "One member's decision on the stage's current attempt.",
})
export class StageApprovalDecisionType {
  /** Resolved by `user`. */
  userId!: string;
  email!: string;

  @Field(() => ApprovalDecision)
  decision!: ApprovalDecision;

  @Field(() => String)
  comment!: string;

  @Field(() => [NameValueType], { description: 'The inputs this approval gave.' })
  inputs!: NameValueType[];

  @Field(() => Date)
  at!: Date;
}

@ObjectType('StageRunApproval', {
  simpleResolvers: true,
  description: "An approval stage's settings, its state and the decisions so far.",
})
export class StageRunApprovalType extends ApprovalSettingsFields {
  @Field(() => ApprovalState)
  state!: ApprovalState;

  @Field(() => Date, { nullable: true, description: 'When it times out, while it waits with a timeout.' })
  dueAt!: Date | null;

  @Field(() => [StageApprovalDecisionType], { description: 'Oldest first.' })
  approvals!: StageApprovalDecisionType[];
}

@InputType('ApproveStageInput')
export class ApproveStageInput extends RunStageRefFields {
  @Field(() => String, { nullable: true })
  comment?: string;

  @Field(() => [NameValueInput], { nullable: true, description: "Values for the stage's inputs (its outputs)." })
  inputs?: NameValueInput[];
}

@InputType('RejectStageInput')
export class RejectStageInput extends RunStageRefFields {
  @Field(() => String, { nullable: true, description: 'Why; the stage fails with it.' })
  comment?: string;
}
