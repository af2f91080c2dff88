import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { ProjectType } from './project.type.js';
import { ProjectScopeInput } from './scope.type.js';

// Bytes are Float like CacheEntry.size: exact up to 2^53 (8 PiB), where Int stops at 2 GiB.
@ObjectType('ProjectStorageUsage', {
  simpleResolvers: true,
  description: 'What a project keeps in storage (docs/workflows.md, Caches): stage caches, run artifacts, run logs.',
})
export class ProjectStorageUsageType {
  @Field(() => ProjectType)
  project!: ProjectType;

  @Field(() => Float, { description: 'Bytes of the stage cache archives its stages saved.' })
  cacheBytes!: number;

  @Field(() => Int, { description: 'How many stage cache entries its stages saved.' })
  cacheEntries!: number;

  @Field(() => Float, { description: 'Bytes of the stored artifacts of its runs.' })
  artifactBytes!: number;

  @Field(() => Float, { description: 'Bytes of the stored log lines of its runs.' })
  logBytes!: number;
}

@InputType('CleanCachesInput', { description: 'The project whose saved stage caches are all deleted.' })
export class CleanCachesInput extends ProjectScopeInput {}
