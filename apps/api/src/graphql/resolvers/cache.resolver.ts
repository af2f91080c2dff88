import { Arg, Authorized, Int, Mutation, Query, Resolver } from 'type-graphql';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { CacheEntryType, DeleteCacheInput } from '../types/stage-cache.type.js';
import { CleanCachesInput, ProjectStorageUsageType } from '../types/storage-usage.type.js';

@Resolver()
export class CacheResolver {
  @Authorized()
  @Query(() => [CacheEntryType], { description: "The tenant's stage caches, most recently used first." })
  async caches(
    @Arg('tenant', () => String) tenant: string,
    @SignedIn() ctx: SignedInContext,
  ): Promise<CacheEntryType[]> {
    const rows = await ctx.services.caches.list(ctx.user, tenant);
    return rows.map((row) => ({ ...row, size: Number(row.size) }));
  }

  @Authorized()
  @Query(() => [ProjectStorageUsageType], {
    description:
      'Bytes each project of the tenant keeps: stage caches, run artifacts, run logs (every project, by name; VIEWER or above).',
  })
  async storageUsage(
    @Arg('tenant', () => String) tenant: string,
    @SignedIn() ctx: SignedInContext,
  ): Promise<ProjectStorageUsageType[]> {
    const rows = await ctx.services.caches.storageUsage(ctx.user, tenant);
    return rows.map((row) => ({
      ...row,
      cacheBytes: Number(row.cacheBytes),
      artifactBytes: Number(row.artifactBytes),
      logBytes: Number(row.logBytes),
    }));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes a stage cache of the tenant by key (DEVELOPER or above).' })
  deleteCache(
    @Arg('input', () => DeleteCacheInput) input: DeleteCacheInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<boolean> {
    return ctx.services.caches.delete(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => Int, {
    description:
      'Deletes every stage cache the project saved, with its archive; returns how many (DEVELOPER or above).',
  })
  cleanCaches(
    @Arg('input', () => CleanCachesInput) input: CleanCachesInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<number> {
    return ctx.services.caches.clean(ctx.user, input);
  }
}
