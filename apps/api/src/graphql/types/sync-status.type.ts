import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum SyncStateValue {
  PENDING = 'PENDING',
  SYNCED = 'SYNCED',
  ERROR = 'ERROR',
}
registerEnumType(SyncStateValue, {
  name: 'SyncState',
  description: 'How far the Kubernetes mirror of an object got.',
  valuesConfig: {
    PENDING: { description: 'Changed since the last apply; the next reconcile pass applies it.' },
    SYNCED: { description: 'The cluster holds the current state.' },
    ERROR: { description: 'The last apply failed; see error.' },
  },
});

@ObjectType('SyncStatus', {
  simpleResolvers: true,
  description:
    'The object as a custom resource in its tenant namespace. Null on the object when no cluster is configured or it was never reconciled.',
})
export class SyncStatusType {
  @Field(() => SyncStateValue)
  state!: SyncStateValue;

  @Field(() => Date, { nullable: true, description: 'When the cluster last held this state of the object.' })
  syncedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'metadata.generation of the custom resource after the last apply.' })
  generation!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last apply failed.' })
  error!: string | null;
}
