import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('ResourceQuantities', {
  simpleResolvers: true,
  description: 'Kubernetes quantities: cpu like "500m" or "2", memory like "512Mi".',
})
@InputType('ResourceQuantitiesInput')
export class ResourceQuantitiesType {
  @Field(() => String, { nullable: true })
  cpu?: string;

  @Field(() => String, { nullable: true })
  memory?: string;
}

@ObjectType('WorkflowResources', {
  simpleResolvers: true,
  description:
    "A workflow's default requirements (the original Cyclone's Workflow spec.resources): every stage gets those its own workload container leaves unset.",
})
@InputType('WorkflowResourcesInput')
export class WorkflowResourcesType {
  @Field(() => ResourceQuantitiesType, { nullable: true, description: 'What Kubernetes reserves for the stage.' })
  requests?: ResourceQuantitiesType;

  @Field(() => ResourceQuantitiesType, {
    nullable: true,
    description: 'What the stage may use at most (every executor applies these).',
  })
  limits?: ResourceQuantitiesType;
}
