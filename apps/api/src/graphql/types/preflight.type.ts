import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum PreflightCheckKind {
  CONDITION = 'CONDITION',
  SECRET = 'SECRET',
  RESOURCE = 'RESOURCE',
  IMAGE = 'IMAGE',
  GIT_REF = 'GIT_REF',
  CLUSTER = 'CLUSTER',
}
registerEnumType(PreflightCheckKind, {
  name: 'PreflightCheckKind',
  description:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the description quotes a Cyclone reference.
    'CONDITION: a `when` compiles; SECRET: a ${secrets.I.F} names a secret the tenant has; RESOURCE: a stage resource exists; IMAGE: the image is in its registry; GIT_REF: a GIT input resource’s revision is a ref of its repository; CLUSTER: the workflow’s worker cluster answers.',
});

@ObjectType('PreflightCheck', {
  simpleResolvers: true,
  description: 'One thing checked before a run: ok, or what is wrong.',
})
export class PreflightCheckType {
  @Field(() => String, { nullable: true, description: 'The stage checked; null for the workflow as a whole.' })
  stage!: string | null;

  @Field(() => PreflightCheckKind)
  check!: PreflightCheckKind;

  @Field(() => Boolean, {
    description: 'False: a run would fail on this. A check that cannot be made is ok, and says why.',
  })
  ok!: boolean;

  @Field(() => String)
  message!: string;
}
