import { Field, ID, ObjectType } from 'type-graphql';

// biome-ignore lint/suspicious/noExplicitAny: a TypeScript mixin's base must take `...args: any[]`
type AbstractClass = abstract new (...args: any[]) => object;

/**
 * Adds what every stored object shows, `id`, `name` and its two timestamps, to `Base`. A
 * mixin rather than a parent class because the stage-like types already extend their
 * `StageWorkload` interface. `typeName` names the class made; no field uses it, so it is
 * not in the schema itself.
 */
export function withStoredObjectFields<TBase extends AbstractClass>(Base: TBase, typeName: string) {
  @ObjectType(typeName, { simpleResolvers: true })
  abstract class StoredObjectFields extends Base {
    @Field(() => ID)
    id!: string;

    @Field(() => String)
    name!: string;

    @Field(() => Date)
    createdAt!: Date;

    @Field(() => Date)
    updatedAt!: Date;
  }
  return StoredObjectFields;
}

/** The stored fields picked from a row, for the functions that turn rows into object types. */
export function storedFieldsOf(row: { id: string; name: string; createdAt: Date; updatedAt: Date }) {
  return { id: row.id, name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** The stored fields alone, on an empty base: resources, triggers (a parent class only). */
export const StoredObjectFields = withStoredObjectFields(class {}, 'StoredObjectFields');

/**
 * What every named, described object shows: tenants, projects, workflows, integrations. A parent
 * class only: no field uses it, so it is not in the schema itself.
 */
@ObjectType('NamedObjectFields', { simpleResolvers: true })
export abstract class NamedObjectFields extends StoredObjectFields {
  @Field(() => String)
  description!: string;
}
