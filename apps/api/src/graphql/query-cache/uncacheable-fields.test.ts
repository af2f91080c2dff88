import { type GraphQLSchema, isObjectType, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../schema.js';
import { UNCACHEABLE_FIELDS, UncacheableFields } from './uncacheable-fields.js';

describe('uncacheable fields', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGraphQLSchema();
  });

  it('names fields the schema has (a rename must not silently make them cacheable)', () => {
    for (const coordinate of UNCACHEABLE_FIELDS) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      expect(isObjectType(type) && type.getFields()[fieldName] !== undefined, coordinate).toBe(true);
    }
  });

  it('finds them in operations and fragments, and only them', () => {
    const fields = new UncacheableFields(schema);
    const plain = parse('query { me { email } tenants { name } }');
    const viaFragment = parse(`
      query { apiTokens { ...T } }
      fragment T on ApiToken { name lastUsedAt }`);
    const preview = parse('query { cronSchedulePreview(cron: "* * * * *") }');
    expect(fields.isSelectedIn(plain)).toBe(false);
    expect(fields.isSelectedIn(viaFragment)).toBe(true);
    expect(fields.isSelectedIn(preview)).toBe(true);
    // Decided once per document object.
    expect(fields.isSelectedIn(viaFragment)).toBe(true);
  });
});
