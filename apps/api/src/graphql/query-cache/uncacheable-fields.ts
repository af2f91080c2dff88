import { type DocumentNode, type GraphQLSchema, getNamedType, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

/**
 * Fields whose answers do not come (only) from tracked tables, so that no data
 * version covers them: a query selecting any of them is never cached.
 * - registry and SCM browsing ask external systems;
 * - checkImageResource asks a registry;
 * - cronSchedulePreview depends on the current time;
 * - ApiToken.lastUsedAt is bookkeeping that does not move the data version.
 */
export const UNCACHEABLE_FIELDS: ReadonlySet<string> = new Set([
  'Query.checkImageResource',
  'Query.cronSchedulePreview',
  'Integration.registryRepositories',
  'Integration.registryTags',
  'Integration.scmRepositories',
  'Integration.scmBranches',
  'ApiToken.lastUsedAt',
]);

/** Decides per parsed document (Apollo reuses document objects from its cache). */
export class UncacheableFields {
  private readonly seen = new WeakMap<DocumentNode, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly coordinates: ReadonlySet<string> = UNCACHEABLE_FIELDS,
  ) {}

  /** True when the document (any operation or fragment in it) selects an uncacheable field. */
  isSelectedIn(document: DocumentNode): boolean {
    const known = this.seen.get(document);
    if (known !== undefined) return known;
    let isFound = false;
    const typeInfo = new TypeInfo(this.schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          if (parent && this.coordinates.has(`${getNamedType(parent).name}.${node.name.value}`)) isFound = true;
        },
      }),
    );
    this.seen.set(document, isFound);
    return isFound;
  }
}
