import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { RunArtifactType } from '../types/run-artifact.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** Artifacts of a run; the run itself was already authorized by the field that returned it. */
@Resolver(() => WorkflowRunType)
export class RunArtifactsResolver {
  @FieldResolver(() => [RunArtifactType], {
    description:
      'Output artifacts of the run, by stage and name; a retry lists those of the stages it reused. The log of a run is downloadable as text at /runs/<run>/logs?stage=<name>.',
  })
  async artifacts(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<RunArtifactType[]> {
    const rows = await ctx.loaders.artifactsByRunId.load(run.id);
    return rows.map((row) => ({
      stage: row.stage,
      name: row.name,
      size: Number(row.size),
      sha256: row.sha256,
      isDirectory: row.isDirectory,
      createdAt: row.createdAt,
      downloadUrl: `/runs/${run.id}/artifacts/${encodeURIComponent(row.stage)}/${encodeURIComponent(row.name)}`,
    }));
  }
}
