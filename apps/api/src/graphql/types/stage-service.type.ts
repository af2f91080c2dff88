import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ContainerCommandInput, ContainerFields } from './stage-container.type.js';

@ObjectType('ServiceReadiness', {
  simpleResolvers: true,
  description: 'When a service counts as ready: command exits 0 inside it, or something listens on tcpPort.',
})
@InputType('ServiceReadinessInput', { description: 'Exactly one of command or tcpPort.' })
export class ServiceReadinessType {
  @Field(() => [String], { nullable: true, description: 'Run inside the service; ready once it exits 0.' })
  command?: string[];

  @Field(() => Int, { nullable: true, description: 'Ready once something listens on this port.' })
  tcpPort?: number;

  @Field(() => String, {
    nullable: true,
    description: 'How long it may take, e.g. "90s"; null: 2m. Past it the attempt fails.',
  })
  timeout?: string;
}

@ObjectType('StageService', {
  simpleResolvers: true,
  description:
    "A container started before the stage's own, reachable from it by its name, ended when the stage's container ends.",
})
export class StageServiceType extends ContainerFields {
  @Field(() => String, { description: 'A DNS label: the host name the stage reaches it by.' })
  name!: string;

  @Field(() => ServiceReadinessType, { nullable: true, description: 'null: ready once started.' })
  readiness?: ServiceReadinessType;
}

@InputType('StageServiceInput', { description: 'A service of a stage (docs/workflows.md, "Services").' })
export class StageServiceInput extends ContainerCommandInput {
  @Field(() => String, { description: 'A DNS label, unique in the stage and not the stage’s own name.' })
  name!: string;

  @Field(() => String)
  image!: string;

  @Field(() => ServiceReadinessType, { nullable: true })
  readiness?: ServiceReadinessType;
}
