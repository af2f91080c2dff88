import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum StageTrend {
  IMPROVING = 'IMPROVING',
  STEADY = 'STEADY',
  DEGRADING = 'DEGRADING',
  NOT_ENOUGH_DATA = 'NOT_ENOUGH_DATA',
}
registerEnumType(StageTrend, {
  name: 'StageTrend',
  description:
    'The newer half of the runs against the older: failing more often (10 points), or a median 25% longer, is DEGRADING; the reverse IMPROVING. NOT_ENOUGH_DATA below 3 runs per half.',
});

@ObjectType('StageHealth', {
  simpleResolvers: true,
  description: "How one stage fared over the workflow's recent ended runs.",
})
export class StageHealthType {
  @Field(() => String)
  stage!: string;

  @Field(() => Int, { description: 'Runs in which the stage ran to an end (skipped ones are not counted).' })
  runs!: number;

  @Field(() => Int)
  failures!: number;

  @Field(() => Int, { description: 'Successes that took more than one attempt: failed, then passed on a retry.' })
  flakes!: number;

  @Field(() => Float, { nullable: true, description: 'Median duration of its successful attempts; null without one.' })
  p50Seconds!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile (nearest rank) of the same.' })
  p95Seconds!: number | null;

  @Field(() => StageTrend)
  trend!: StageTrend;
}
