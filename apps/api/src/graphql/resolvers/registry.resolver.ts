import { Arg, Args, Authorized, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { IntegrationObject, IntegrationTestResult } from '../types/integration.type.js';
import { ProjectObjectRefInput } from '../types/project.type.js';

/** Registry reads on DOCKER_REGISTRY, HARBOR and DOCKER_HUB integrations (Docker Registry HTTP API v2). */
@Resolver(() => IntegrationObject)
export class RegistryResolver {
  @FieldResolver(() => [String], {
    description:
      'Repositories in the registry catalog (`/v2/_catalog`, following pages), at most `first` (1–1000, default 100). A HARBOR integration with config.project lists that project only. Registry integrations only.',
  })
  registryRepositories(
    @Root() integration: IntegrationObject,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @SignedIn() ctx: SignedInContext,
  ): Promise<string[]> {
    return ctx.services.registries.repositories(ctx.user, integration.id, first);
  }

  @FieldResolver(() => [String], {
    description: 'Tags of one repository (`/v2/<repository>/tags/list`), at most `first` (1–1000, default 100).',
  })
  registryTags(
    @Root() integration: IntegrationObject,
    @Arg('repository', () => String) repository: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @SignedIn() ctx: SignedInContext,
  ): Promise<string[]> {
    return ctx.services.registries.tags(ctx.user, integration.id, repository, first);
  }

  @Authorized()
  @Query(() => IntegrationTestResult, {
    description:
      "Checks an IMAGE resource against its registry integration: the registry answers and the IMAGE's tag (or digest) exists (VIEWER and up).",
  })
  async checkImageResource(
    @Args(() => ProjectObjectRefInput) { tenant, project, name }: ProjectObjectRefInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<IntegrationTestResult> {
    const result = await ctx.services.registries.checkImageResource(ctx.user, tenant, project, name);
    return { ...result, checkedAt: new Date() } as IntegrationTestResult;
  }
}
