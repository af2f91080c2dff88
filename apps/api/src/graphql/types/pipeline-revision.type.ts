import { Field, ObjectType } from 'type-graphql';
import { WorkflowStageType } from './workflow.type.js';

@ObjectType('PipelineRevision', {
  simpleResolvers: true,
  description:
    "What `.cyclone.yaml` holds at one revision of the repository of a workflow's pipelines-as-code trigger; read on request, never stored as a version.",
})
export class PipelineRevisionType {
  @Field(() => String, { description: 'The SCM trigger whose repository was read.' })
  trigger!: string;

  @Field(() => String)
  repository!: string;

  @Field(() => String, { description: 'The commit SHA (SVN: revision number) read; a branch is read at its head.' })
  revision!: string;

  @Field(() => String, { nullable: true, description: 'The branch asked for, when one was named instead of a commit.' })
  branch?: string;

  @Field(() => String, { description: 'The file read, e.g. `.cyclone.yaml` (SVN: under the branch folder).' })
  path!: string;

  @Field(() => [WorkflowStageType], { description: 'Its stages, as a run of that revision would take them.' })
  stages!: WorkflowStageType[];
}
