import { Field, ObjectType } from 'type-graphql';

@ObjectType('ClusterCondition', {
  simpleResolvers: true,
  description: 'A status condition of a worker cluster, as on its ExecutionCluster.',
})
export class ClusterConditionType {
  @Field(() => String, {
    description: 'Ready (the worker answered) or NamespacePrepared (the tenant namespace is there).',
  })
  type!: string;

  @Field(() => String, { description: 'True, False or Unknown.' })
  status!: string;

  @Field(() => String, { description: 'e.g. Reachable, Unreachable, NoKubeconfig, Prepared, PrepareFailed.' })
  reason!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Date, { description: 'When the status last changed.' })
  lastTransitionTime!: Date;
}

@ObjectType('ExecutionCluster', {
  simpleResolvers: true,
  description: 'The worker cluster a KUBERNETES integration registers; runs pick it by the integration name.',
})
export class ExecutionClusterType {
  @Field(() => String, { description: 'The ExecutionCluster resource: <tenant>.<integration>.' })
  name!: string;

  @Field(() => [ClusterConditionType], { description: 'From the last registration pass.' })
  conditions!: ClusterConditionType[];

  @Field(() => Date, { nullable: true, description: 'When the last pass found it all in place.' })
  syncedAt!: Date | null;
}
