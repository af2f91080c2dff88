import { type GraphQLObjectType, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from './schema.js';

// Every object type is declared with `simpleResolvers: true`: a plain @Field is then read
// inline by the compiled executor instead of through a type-graphql resolver per field
// and row (on a list of 250 runs that wrapper made two thirds of what a request allocated). The price:
// type-graphql ignores @Authorized and @UseMiddleware on such a field, so none may carry them,
// and the compiled executor does not await a promise it reads inline: a field that may hold
// one says `simple: false` (as `totalCount` does).
describe('plain fields of object types', () => {
  let fieldsOf: (type: string) => Record<string, { resolve?: unknown }>;
  beforeAll(async () => {
    const schema = await buildGraphQLSchema();
    fieldsOf = (type) => (schema.getType(type) as GraphQLObjectType).getFields();
    expect(isObjectType(schema.getType('WorkflowRun'))).toBe(true);
  });

  it('are declared simple on every object type', () => {
    const notSimple = getMetadataStorage()
      .objectTypes.filter((type) => type.simpleResolvers !== true)
      .map((type) => type.name);
    expect(notSimple).toEqual([]);
  });

  it('carry no roles or middlewares, which a simple field would ignore', () => {
    const storage = getMetadataStorage();
    const objectClasses = new Set(storage.objectTypes.map((type) => type.target));
    const fieldResolvers = new Set(
      storage.fieldResolvers.map((resolver) => `${resolver.getObjectType?.()?.name}.${resolver.methodName}`),
    );
    const guardedPlainFields = [...storage.authorizedFields, ...storage.middlewares]
      .filter((guard) => objectClasses.has(guard.target))
      .map((guard) => `${guard.target.name}.${guard.fieldName}`)
      .filter((field) => !fieldResolvers.has(field));
    expect(guardedPlainFields).toEqual([]);
  });

  it('have no resolver, while field resolvers keep theirs', () => {
    expect(fieldsOf('WorkflowRun').phase?.resolve).toBeUndefined();
    expect(fieldsOf('WorkflowRunEdge').node?.resolve).toBeUndefined();
    expect(fieldsOf('Workflow').name?.resolve).toBeUndefined();
    expect(fieldsOf('Workflow').runs?.resolve).toBeTypeOf('function');
    expect(fieldsOf('WorkflowRunConnection').totalCount?.resolve).toBeTypeOf('function');
  });
});
