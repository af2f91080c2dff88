// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions show Cyclone ${…} references.
import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { TenantScopeInput } from './scope.type.js';

@ObjectType('StageCache', {
  simpleResolvers: true,
  description: 'A cache of a stage (docs/workflows.md, Caches): restored before it starts, saved after it succeeds.',
})
export class StageCacheType {
  @Field(() => String, { description: "The key saved under; may use ${variables.X} and ${hashFiles('go.sum')}." })
  key!: string;

  @Field(() => [String], { description: 'Files or folders relative to the workspace.' })
  paths!: string[];

  @Field(() => [String], {
    description: 'Prefixes tried in order when no entry has the key: the newest entry starting with one is restored.',
  })
  restoreKeys!: string[];
}

@InputType('StageCacheInput', { description: 'A cache of a stage (docs/workflows.md, Caches).' })
export class StageCacheInput {
  @Field(() => String, { description: "The key saved under; may use ${variables.X} and ${hashFiles('go.sum')}." })
  key!: string;

  @Field(() => [String], { description: 'Files or folders relative to the workspace (no absolute path, no ..).' })
  paths!: string[];

  @Field(() => [String], { nullable: true, description: 'Prefixes tried in order when no entry has the key.' })
  restoreKeys?: string[];
}

@ObjectType('CacheEntry', {
  simpleResolvers: true,
  description: 'A saved stage cache of a tenant (a tar archive in the artifact store).',
})
export class CacheEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  key!: string;

  @Field(() => Float, { description: 'Bytes of the stored archive.' })
  size!: number;

  @Field(() => String, { nullable: true, description: 'The project whose stage saved it.' })
  project?: string | null;

  @Field(() => String, { description: '"<workflow>/<stage>" that saved it.' })
  savedBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: 'Last restore or save; eviction drops the least recently used first.' })
  lastUsedAt!: Date;
}

@InputType('DeleteCacheInput')
export class DeleteCacheInput extends TenantScopeInput {
  @Field(() => String)
  key!: string;
}
