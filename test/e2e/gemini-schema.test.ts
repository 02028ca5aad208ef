/**
 * Tool schemas as real clients produce them (zod-to-json-schema, zod 4's own toJSONSchema,
 * Pydantic-style models with $defs) go through Switchyard to the strict Gemini fake, which
 * accepts only Gemini's OpenAPI subset; what cannot be translated is a 400 naming the keyword,
 * before anything is sent upstream. Arguments Gemini returns still validate against the
 * client's original schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatCompletion, ChatCompletionMessageFunctionToolCall, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z as z4 } from 'zod';
import { z } from 'zod/v3';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { GEMINI_KEY, GEMINI_MODEL, part, reply } from '../fakes/gemini.js';
import { startKit, type Kit } from './gemini-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const tool = (name: string, parameters: Record<string, unknown>): ChatCompletionTool => ({ type: 'function', function: { name, description: `${name} tool`, parameters } });
const callsOf = (r: ChatCompletion) => (r.choices[0]!.message.tool_calls ?? []) as ChatCompletionMessageFunctionToolCall[];
const ask = (tools: ChatCompletionTool[], extra: Record<string, unknown> = {}) =>
  kit.client.chat.completions.create({ model: GEMINI_MODEL, messages: [{ role: 'user', content: 'go' }], tools, ...extra } as any) as Promise<ChatCompletion>;

const Address = z.object({ street: z.string(), city: z.string(), zip: z.string().regex(/^\d{5}$/).optional() });
const Order = z.object({
  customer: z.object({ name: z.string().min(1), email: z.string().email(), vip: z.boolean().default(false) }),
  shipTo: Address,
  billTo: Address.nullable(),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), note: z.string().nullable().optional() })).min(1),
  priority: z.enum(['low', 'normal', 'high']),
  channel: z.literal('web'),
  payment: z.discriminatedUnion('method', [z.object({ method: z.literal('card'), last4: z.string().length(4) }), z.object({ method: z.literal('invoice'), days: z.number().int() })]),
  metadata: z.record(z.string()).optional(),
  placedAt: z.string().datetime(),
  gift: z.object({ wrap: z.boolean() }).and(z.object({ message: z.string() })).optional(),
});

describe('schemas from zod-to-json-schema', () => {
  test('a realistic order schema is accepted by Gemini, and the returned arguments satisfy the zod schema', async () => {
    const args = {
      customer: { name: 'Ada', email: 'ada@example.com', vip: true },
      shipTo: { street: '1 Main St', city: 'Dublin' },
      billTo: null,
      items: [{ sku: 'B-4300', qty: 2, note: null }],
      priority: 'high',
      channel: 'web',
      payment: { method: 'card', last4: '4242' },
      placedAt: '2026-12-01T09:00:00Z',
      gift: { wrap: true, message: 'Enjoy' },
    };
    kit.fake.enqueue(reply([part.call('place_order', args)]));
    const res = await ask([tool('place_order', zodToJsonSchema(Order) as Record<string, unknown>)]);
    const params = kit.fake.last!.body.tools[0].functionDeclarations[0].parameters;
    const text = JSON.stringify(params);
    for (const k of ['$schema', 'additionalProperties', '$ref', 'const', 'default', 'exclusiveMinimum']) assert.ok(!text.includes(`"${k}"`), `${k} was sent`);
    assert.deepEqual(params.properties.billTo.nullable, true);
    assert.deepEqual(params.properties.channel, { type: 'STRING', enum: ['web'] });
    assert.deepEqual(Object.keys(params.properties.gift.properties), ['wrap', 'message']);
    const call = callsOf(res)[0]!;
    assert.deepEqual(Order.parse(JSON.parse(call.function.arguments)), { ...args, customer: { ...args.customer } });
  });

  test('as response_format json_schema → responseSchema', async () => {
    kit.fake.enqueue(reply([part.text('{"street":"1 Main St","city":"Dublin"}')]));
    const res = await kit.client.chat.completions.create({
      model: GEMINI_MODEL,
      messages: [{ role: 'user', content: 'an address' }],
      response_format: { type: 'json_schema', json_schema: { name: 'address', strict: true, schema: zodToJsonSchema(Address) as Record<string, unknown> } },
    });
    const g = kit.fake.last!.body.generationConfig;
    assert.equal(g.responseMimeType, 'application/json');
    assert.deepEqual(g.responseSchema.required, ['street', 'city']);
    assert.deepEqual(Address.parse(JSON.parse(res.choices[0]!.message.content!)), { street: '1 Main St', city: 'Dublin' });
  });
});

describe('schemas from zod 4 toJSONSchema (draft 2020-12, $defs)', () => {
  test('$defs from registered schemas are inlined', async () => {
    const Addr = z4.object({ street: z4.string(), city: z4.string() }).meta({ id: 'Address4' });
    const schema = z4.toJSONSchema(z4.object({ home: Addr, work: Addr.optional(), age: z4.number().int().nullable(), mode: z4.enum(['a', 'b']).default('a') })) as Record<string, unknown>;
    kit.fake.enqueue(reply([part.text('ok')]));
    await ask([tool('save', schema)]);
    const p = kit.fake.last!.body.tools[0].functionDeclarations[0].parameters.properties;
    assert.deepEqual(p.home, { type: 'OBJECT', properties: { street: { type: 'STRING' }, city: { type: 'STRING' } }, required: ['street', 'city'] });
    assert.deepEqual(p.work, p.home);
    assert.equal(p.age.type, 'INTEGER');
    assert.equal(p.age.nullable, true);
  });
});

describe('Pydantic-style models', () => {
  const person = {
    $defs: {
      Address: {
        properties: { street: { title: 'Street', type: 'string' }, city: { title: 'City', type: 'string' }, country: { default: 'IE', title: 'Country', type: 'string' } },
        required: ['street', 'city'],
        title: 'Address',
        type: 'object',
      },
      Role: { enum: ['author', 'editor'], title: 'Role', type: 'string' },
      Book: {
        properties: { title: { title: 'Title', type: 'string' }, year: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, title: 'Year' } },
        required: ['title'],
        title: 'Book',
        type: 'object',
      },
    },
    properties: {
      name: { title: 'Name', type: 'string' },
      address: { $ref: '#/$defs/Address' },
      previous: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null },
      role: { allOf: [{ $ref: '#/$defs/Role' }], description: 'What they do' },
      books: { items: { $ref: '#/$defs/Book' }, title: 'Books', type: 'array' },
      id: { format: 'uuid', title: 'Id', type: 'string' },
      born: { format: 'date-time', title: 'Born', type: 'string' },
    },
    required: ['name', 'address', 'role'],
    title: 'Person',
    type: 'object',
  };
  test('nested models, Optional, enums and lists go through; Gemini accepts them', async () => {
    kit.fake.enqueue(reply([part.call('save_person', { name: 'James Joyce', address: { street: '41 Brighton Sq', city: 'Dublin' }, role: 'author', books: [{ title: 'Ulysses', year: 1922 }] })]));
    const res = await ask([tool('save_person', person)]);
    const p = kit.fake.last!.body.tools[0].functionDeclarations[0].parameters.properties;
    assert.equal(p.address.title, 'Address');
    assert.deepEqual(p.previous.nullable, true);
    assert.deepEqual(p.role, { type: 'STRING', title: 'Role', description: 'What they do', enum: ['author', 'editor'] });
    assert.deepEqual(p.books.items.properties.year, { type: 'INTEGER', title: 'Year', nullable: true });
    assert.deepEqual(p.id, { type: 'STRING', title: 'Id' });
    assert.deepEqual(p.born, { type: 'STRING', title: 'Born', format: 'date-time' });
    assert.equal(JSON.parse(callsOf(res)[0]!.function.arguments).books[0].year, 1922);
  });

  test('a tool without parameters is declared without them', async () => {
    kit.fake.enqueue(reply([part.call('now', {})]));
    const res = await ask([tool('now', { type: 'object', properties: {}, additionalProperties: false })]);
    assert.deepEqual(kit.fake.last!.body.tools[0].functionDeclarations[0], { name: 'now', description: 'now tool' });
    assert.equal(callsOf(res)[0]!.function.arguments, '{}');
  });
});

describe('what Gemini cannot express → 400 naming the keyword, nothing sent upstream', () => {
  const tree = { $defs: { Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } }, $ref: '#/$defs/Node' };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a recursive Pydantic model', tree, /tools\[0\]\.function\.parameters: Gemini cannot express "\$ref" \(at properties\.children\.items\.\$ref\): "#\/\$defs\/Node" is recursive/],
    ['not', { type: 'object', properties: { a: { type: 'string', not: { const: 'x' } } } }, /Gemini cannot express "not" \(at properties\.a\.not\)/],
    ['a tuple (zod tuple)', zodToJsonSchema(z.object({ point: z.tuple([z.number(), z.number()]) })) as Record<string, unknown>, /Gemini cannot express "items" \(at properties\.point\.items\)/],
    ['a mixed enum', { type: 'object', properties: { v: { enum: ['a', 1] } } }, /Gemini cannot express "enum"/],
  ];
  for (const [name, schema, message] of cases) {
    test(name, async () => {
      const before = kit.fake.requests.length;
      await assert.rejects(ask([tool('f', schema)]), (e: any) => {
        assert.equal(e.status, 400);
        assert.match(e.message, message);
        return true;
      });
      assert.equal(kit.fake.requests.length, before);
    });
  }
});

describe('the fake is as strict as Gemini about schemas', () => {
  for (const [name, parameters, message] of [
    ['raw zod-to-json-schema output', zodToJsonSchema(z.object({ a: Address, b: Address })), /Unknown name "(additionalProperties|\$schema|\$ref)"/],
    ['a numeric enum', { type: 'OBJECT', properties: { v: { type: 'INTEGER', enum: [1, 2] } } }, /enum values must be strings/],
    ['empty properties', { type: 'OBJECT', properties: {} }, /should be non-empty for OBJECT type/],
    ['properties on a STRING', { type: 'STRING', properties: { a: { type: 'STRING' } } }, /only allowed for OBJECT type/],
  ] as const) {
    test(`rejects ${name}`, async () => {
      const body = { contents: [{ role: 'user', parts: [{ text: 'q' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters }] }] };
      const res = await fetch(`${kit.fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': GEMINI_KEY }, body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as any).error.message, message);
    });
  }
});
