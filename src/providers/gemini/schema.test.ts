import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod/v3';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { SchemaError, toGeminiSchema } from './schema.js';

const Address = z.object({ street: z.string(), city: z.string().describe('City name') });

describe('toGeminiSchema: zod-to-json-schema output', () => {
  const json = zodToJsonSchema(
    z.object({
      q: z.string().min(1).describe('query'),
      limit: z.number().int().positive().max(50).default(10),
      sort: z.enum(['asc', 'desc']).optional(),
      kind: z.literal('book'),
      tag: z.string().nullable(),
      home: Address,
      work: Address.optional(),
      prev: Address.nullable(),
      email: z.string().email(),
      when: z.string().datetime(),
      meta: z.record(z.string()),
      either: z.union([z.string(), z.number()]),
      shape: z.discriminatedUnion('t', [z.object({ t: z.literal('a'), x: z.number() }), z.object({ t: z.literal('b'), y: z.string() })]),
      both: z.object({ a: z.string() }).and(z.object({ b: z.number() })),
    }),
  ) as Record<string, unknown>;
  const out = toGeminiSchema(json)!;
  const p = out.properties!;
  const home = { type: 'OBJECT', properties: { street: { type: 'STRING' }, city: { type: 'STRING', description: 'City name' } }, required: ['street', 'city'] };

  test('$schema and additionalProperties are gone everywhere', () => {
    const text = JSON.stringify(out);
    for (const k of ['$schema', 'additionalProperties', '$ref', 'const', 'default', 'exclusiveMinimum']) assert.ok(!text.includes(`"${k}"`), k);
  });
  test('types are upper-case; constraints Gemini has are kept', () => {
    assert.equal(out.type, 'OBJECT');
    assert.deepEqual(p.q, { type: 'STRING', minLength: 1, description: 'query' });
    assert.deepEqual(p.limit, { type: 'INTEGER', maximum: 50 });
  });
  test('enum and const → string enums', () => {
    assert.deepEqual(p.sort, { type: 'STRING', enum: ['asc', 'desc'] });
    assert.deepEqual(p.kind, { type: 'STRING', enum: ['book'] });
  });
  test('type [T, null] → nullable', () => assert.deepEqual(p.tag, { type: 'STRING', nullable: true }));
  test('"#/properties/…" refs are inlined, also inside anyOf with null', () => {
    assert.deepEqual(p.home, home);
    assert.deepEqual(p.work, home);
    assert.deepEqual(p.prev, { ...home, nullable: true });
  });
  test('unsupported formats dropped, date-time kept', () => {
    assert.deepEqual(p.email, { type: 'STRING' });
    assert.deepEqual(p.when, { type: 'STRING', format: 'date-time' });
  });
  test('records become plain objects', () => assert.deepEqual(p.meta, { type: 'OBJECT' }));
  test('a type list becomes anyOf', () => assert.deepEqual(p.either, { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] }));
  test('discriminated unions keep anyOf', () => {
    assert.equal(p.shape!.anyOf!.length, 2);
    assert.deepEqual(p.shape!.anyOf![0]!.properties!.t, { type: 'STRING', enum: ['a'] });
  });
  test('intersections (allOf of objects) merge', () =>
    assert.deepEqual(p.both, { type: 'OBJECT', properties: { a: { type: 'STRING' } , b: { type: 'NUMBER' } }, required: ['a', 'b'] }));
  test('required lists only known properties', () => assert.ok(out.required!.every((r) => r in p)));
});

describe('toGeminiSchema: Pydantic-style models with $defs', () => {
  const pydantic = {
    $defs: {
      Address: {
        properties: { street: { title: 'Street', type: 'string' }, zip: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Zip' } },
        required: ['street'],
        title: 'Address',
        type: 'object',
      },
      Status: { enum: ['active', 'inactive'], title: 'Status', type: 'string' },
      Priority: { enum: [1, 2, 3], title: 'Priority', type: 'integer' },
    },
    properties: {
      name: { title: 'Name', type: 'string' },
      address: { $ref: '#/$defs/Address', description: 'Where they live' },
      previous: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null, description: 'Old address' },
      others: { items: { $ref: '#/$defs/Address' }, title: 'Others', type: 'array' },
      status: { $ref: '#/$defs/Status', default: 'active' },
      priority: { allOf: [{ $ref: '#/$defs/Priority' }], description: 'How urgent' },
      id: { format: 'uuid', title: 'Id', type: 'string' },
    },
    required: ['name', 'address'],
    title: 'Person',
    type: 'object',
  };
  const out = toGeminiSchema(pydantic)!;
  const p = out.properties!;
  const address = {
    type: 'OBJECT',
    title: 'Address',
    properties: { street: { type: 'STRING', title: 'Street' }, zip: { type: 'STRING', title: 'Zip', nullable: true } },
    required: ['street'],
  };

  test('$defs is gone and every $ref inlined', () => {
    const text = JSON.stringify(out);
    assert.ok(!text.includes('$defs') && !text.includes('$ref'));
  });
  test('a $ref with a sibling description keeps the description', () => assert.deepEqual(p.address, { ...address, description: 'Where they live' }));
  test('Optional[Model] → the model, nullable, with the field description', () =>
    assert.deepEqual(p.previous, { ...address, description: 'Old address', nullable: true }));
  test('List[Model]', () => assert.deepEqual(p.others, { type: 'ARRAY', title: 'Others', items: address }));
  test('str enum', () => assert.deepEqual(p.status, { type: 'STRING', title: 'Status', enum: ['active', 'inactive'] }));
  test('int enum keeps INTEGER, values go to the description', () =>
    assert.deepEqual(p.priority, { type: 'INTEGER', title: 'Priority', description: 'How urgent Allowed values: 1, 2, 3.' }));
  test('uuid format dropped', () => assert.deepEqual(p.id, { type: 'STRING', title: 'Id' }));
});

describe('toGeminiSchema: edge cases', () => {
  test('an object without properties → no parameters at all', () => {
    assert.equal(toGeminiSchema({ type: 'object', properties: {} }), undefined);
    assert.equal(toGeminiSchema({ type: 'object' }), undefined);
  });
  test('nested empty properties are dropped, not sent empty', () =>
    assert.deepEqual(toGeminiSchema({ type: 'object', properties: { o: { type: 'object', properties: {} } } }), { type: 'OBJECT', properties: { o: { type: 'OBJECT' } } }));
  test('properties on a non-object are dropped', () =>
    assert.deepEqual(toGeminiSchema({ type: 'object', properties: { s: { type: 'string', properties: { x: {} }, required: ['x'] } } })!.properties!.s, { type: 'STRING' }));
  test('oneOf → anyOf', () =>
    assert.deepEqual(toGeminiSchema({ type: 'object', properties: { v: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } })!.properties!.v, { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] }));
  test('enum with null → nullable enum', () =>
    assert.deepEqual(toGeminiSchema({ type: 'object', properties: { v: { enum: ['a', null] } } })!.properties!.v, { type: 'STRING', enum: ['a'], nullable: true }));
  test('definitions (draft-07) resolve too', () =>
    assert.deepEqual(toGeminiSchema({ definitions: { S: { type: 'string' } }, type: 'object', properties: { v: { $ref: '#/definitions/S' } } })!.properties!.v, { type: 'STRING' }));
  test('the same $def used twice is inlined twice (not recursion)', () => {
    const out = toGeminiSchema({ $defs: { S: { type: 'string' } }, type: 'object', properties: { a: { $ref: '#/$defs/S' }, b: { $ref: '#/$defs/S' } } })!;
    assert.deepEqual(out.properties, { a: { type: 'STRING' }, b: { type: 'STRING' } });
  });
});

describe('toGeminiSchema: what cannot be translated names the keyword', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['recursive $ref', { $defs: { Node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/Node' } } } } }, $ref: '#/$defs/Node' }, '$ref', 'properties.kids.items.$ref'],
    ['external $ref', { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }, '$ref', 'properties.a.$ref'],
    ['dangling $ref', { type: 'object', properties: { a: { $ref: '#/$defs/Missing' } } }, '$ref', 'properties.a.$ref'],
    ['not', { type: 'object', properties: { a: { not: { type: 'string' } } } }, 'not', 'properties.a.not'],
    ['if/then', { type: 'object', properties: { a: { type: 'string' } }, if: { properties: { a: { const: 'x' } } }, then: { required: ['a'] } }, 'if', 'if'],
    ['tuple items', { type: 'object', properties: { p: { type: 'array', items: [{ type: 'number' }, { type: 'number' }] } } }, 'items', 'properties.p.items'],
    ['prefixItems', { type: 'object', properties: { p: { type: 'array', prefixItems: [{ type: 'number' }] } } }, 'prefixItems', 'properties.p.prefixItems'],
    ['mixed enum', { type: 'object', properties: { e: { enum: ['a', 1] } } }, 'enum', 'properties.e.enum'],
    ['allOf of different types', { type: 'object', properties: { e: { allOf: [{ type: 'string' }, { type: 'integer' }] } } }, 'allOf', 'properties.e.allOf.1'],
  ];
  for (const [name, schema, keyword, at] of cases) {
    test(name, () => {
      assert.throws(() => toGeminiSchema(schema), (e: unknown) => {
        assert.ok(e instanceof SchemaError);
        assert.equal(e.keyword, keyword);
        assert.equal(e.at, at);
        assert.match(e.message, new RegExp(`"${keyword.replace('$', '\\$')}"`));
        return true;
      });
    });
  }
});
