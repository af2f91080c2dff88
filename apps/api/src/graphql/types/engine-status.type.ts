import { Field, ObjectType } from 'type-graphql';

@ObjectType('EngineStatus', {
  simpleResolvers: true,
  description: 'Where stages run, as the controller found it at its start.',
})
export class EngineStatusType {
  @Field(() => String, { description: 'host, container or kubernetes (CYCLONE_EXECUTOR).' })
  executor!: string;

  @Field(() => String, { description: 'Why this executor: CYCLONE_EXECUTOR, or what `auto` found.' })
  reason!: string;

  @Field(() => String, { description: 'Where stages run, e.g. the container engine and its address.' })
  detail!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A warning to show every user, e.g. that stages are not isolated from the server.',
  })
  warning!: string | null;

  @Field(() => Date, { description: 'When the controller recorded it.' })
  updatedAt!: Date;
}
