import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from './errors.js';
import { parseJsonWithRaw } from './raw-json.js';
import { validateChatRequest } from './validate.js';

const tool = (name: string, parameters: unknown) => ({ type: 'function', function: { name, parameters } });
const body = (tools: unknown[]) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools });
const check = (text: string) => {
  const { value, raw } = parseJsonWithRaw(text);
  return validateChatRequest(value, raw);
};
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.status, 400);
    return e.message;
  }
  assert.fail('expected a 400');
};

test('the tools verdict cached by their text: an invalid list fails the same way every time', () => {
  const text = body([tool('ok', { type: 'object' }), tool('bad', { type: 'object', properties: { a: { type: 12 } } })]);
  const first = message(() => check(text));
  assert.match(first, /^tools\[1\]\.function\.parameters: must be a JSON Schema object/);
  assert.equal(message(() => check(text)), first);
  assert.equal(message(() => check(text)), first);
});

test('a valid list is accepted again from the cache and the same text with another error is not', () => {
  const good = body([tool('f', { type: 'object', properties: { q: { type: 'string' } } })]);
  for (let i = 0; i < 3; i++) assert.equal(check(good).tools?.[0]?.function.name, 'f');
  const dup = body([tool('f', { type: 'object' }), tool('f', { type: 'object' })]);
  assert.match(message(() => check(dup)), /duplicate tool name "f"/);
  assert.match(message(() => check(dup)), /duplicate tool name "f"/);
});

test('the same tools parsed without their text (plain JSON.parse) get the full checks', () => {
  const bad = body([tool('bad name', { type: 'object' })]);
  assert.match(message(() => check(bad)), /function\.name: must match/);
  assert.match(message(() => validateChatRequest(JSON.parse(bad))), /function\.name: must match/);
  const good = body([tool('g', { type: 'object' })]);
  assert.equal(validateChatRequest(JSON.parse(good)).tools?.length, 1);
});

test('tool_choice and message checks still run on a cached tools verdict', () => {
  const tools = [tool('f', { type: 'object' })];
  const base = { model: 'm', tools, messages: [{ role: 'user', content: 'x' }] };
  check(JSON.stringify(base));
  assert.match(message(() => check(JSON.stringify({ ...base, tool_choice: { type: 'function', function: { name: 'nope' } } }))), /tool_choice\.function\.name/);
  assert.match(message(() => check(JSON.stringify({ ...base, messages: [{ role: 'tool', tool_call_id: 'c1', content: 'r' }] }))), /matches no tool call/);
});
