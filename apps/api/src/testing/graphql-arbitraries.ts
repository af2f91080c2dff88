import fc from 'fast-check';
import {
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/**
 * fast-check arbitraries for the arguments of any GraphQL field, built from the schema
 * itself so a new mutation or input field is fuzzed without anyone writing its shape.
 * Values lean towards what breaks servers: long strings, unicode (lone surrogates, NUL,
 * right-to-left), numbers at the edges, deep JSON, long lists, and names of objects that
 * exist (`names`), so cases get past "not found" into the code behind it.
 */
export interface ArbitraryOptions {
  /** Values a string argument or field of that name takes now and then (e.g. tenant: ['fuzz']). */
  names: Record<string, readonly string[]>;
  /**
   * Items of a long list: no long strings or long lists inside, so one case stays within
   * what a request body may carry instead of multiplying sizes level by level.
   */
  small?: boolean;
}

const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  'a\u202Eb',
  '😀'.repeat(100),
  'ü'.repeat(300),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference, as a tenant would write it
  '${secrets.x.y}',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/shadow',
  '-'.repeat(64),
  'A'.repeat(254),
] as const;

const EDGE_INTS = [0, -1, 1, 63, 64, 255, 256, 2_147_483_647, -2_147_483_648] as const;
const EDGE_FLOATS = [0, -0, 0.1, 1e-300, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2] as const;

/** A JSON object nested `depth` levels deep. */
const deepObject = (depth: number) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i += 1) value = { nested: value };
  return value;
};

const longString = fc.integer({ min: 1_000, max: 100_000 }).map((length) => 'x'.repeat(length));

function stringArbitrary(field: string, options: ArbitraryOptions): fc.Arbitrary<string> {
  const known = options.names[field];
  return fc.oneof(
    ...(known ? [{ weight: 6, arbitrary: fc.constantFrom(...known) }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) },
    ...(options.small ? [] : [{ weight: 1, arbitrary: longString }]),
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  );
}

function scalarArbitrary(name: string, field: string, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  switch (name) {
    case 'String':
      return stringArbitrary(field, options);
    case 'ID':
      return fc.oneof(fc.uuid(), stringArbitrary(field, options));
    case 'Int':
      return fc.oneof(fc.constantFrom(...EDGE_INTS), fc.integer());
    case 'Float':
      return fc.oneof(fc.constantFrom(...EDGE_FLOATS), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'Boolean':
      return fc.boolean();
    case 'DateTimeISO':
      return fc.oneof(
        fc.date({ min: new Date(0), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom('0000-00-00T00:00:00Z', '275760-09-13T00:00:00.000Z', 'yesterday'),
      );
    case 'JSONObject':
      return fc.oneof(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 }),
        fc.integer({ min: 50, max: options.small ? 60 : 3_000 }).map(deepObject),
      );
    default:
      return stringArbitrary(field, options);
  }
}

/** An arbitrary value for `type` (a field or argument called `field`), `depth` inputs deep. */
export function inputArbitrary(
  type: GraphQLInputType,
  field: string,
  options: ArbitraryOptions,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return inputArbitrary(type.ofType, field, options, depth);
  if (isListType(type)) {
    const item = inputArbitrary(type.ofType, field, options, depth + 1);
    const shortList = fc.array(item, { maxLength: 4 });
    if (options.small) return shortList;
    const smallItem = inputArbitrary(type.ofType, field, { ...options, small: true }, depth + 1);
    return fc.oneof(
      { weight: 5, arbitrary: shortList },
      { weight: 1, arbitrary: fc.array(smallItem, { minLength: 200, maxLength: 400 }) },
    );
  }
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.value as string));
  if (isScalarType(type)) return scalarArbitrary(type.name, field, options);
  if (isInputObjectType(type)) {
    if (depth > 6) return fc.constant({});
    const fields = Object.values(type.getFields());
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const entry of fields) model[entry.name] = inputArbitrary(entry.type, entry.name, options, depth + 1);
    const requiredKeys = fields.filter((entry) => isNonNullType(entry.type)).map((entry) => entry.name);
    return fc.record(model, { requiredKeys });
  }
  throw new Error(`no arbitrary for ${String(type)}`);
}

/** A document calling `Mutation.<name>` with every argument as a variable, and the arbitrary of those variables. */
export function mutationCase(
  schema: GraphQLSchema,
  name: string,
  options: ArbitraryOptions,
): { document: string; variables: fc.Arbitrary<Record<string, unknown>> } {
  const field = schema.getMutationType()?.getFields()[name];
  if (!field) throw new Error(`no mutation ${name}`);
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection =
    isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)) ? '' : ' { __typename }';
  const document = field.args.length
    ? `mutation(${declared}) { ${name}(${passed})${selection} }`
    : `mutation { ${name}${selection} }`;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const arg of field.args) model[arg.name] = inputArbitrary(arg.type, arg.name, options);
  const requiredKeys = field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => arg.name);
  return { document, variables: fc.record(model, { requiredKeys }) };
}
