import { Arg, Authorized, Mutation, Resolver } from 'type-graphql';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { AppliedObjectType, ApplyManifestsInput } from '../types/workflow.type.js';

@Resolver()
export class ManifestsResolver {
  @Authorized()
  @Mutation(() => [AppliedObjectType], {
    description:
      'Applies Cyclone YAML (cyclone.dev/v1alpha1 Resource, Stage, Workflow, WorkflowTrigger, WorkflowRun documents) to a project in one transaction (DEVELOPER and up): a problem anywhere writes nothing. Stage documents labelled `stage.cyclone.dev/template: "true"` become stage templates of the tenant; a WorkflowRun document queues a run (PENDING) of the current workflow version. Returns what each document changed.',
  })
  applyManifests(
    @Arg('input', () => ApplyManifestsInput) input: ApplyManifestsInput,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.manifests.applyManifests(ctx.user, input);
  }
}
