import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringMemberTexts } from './raw-strings.js';

/** What the texts must decode to: each element's string `key`, by JSON.parse. */
function expected(text: string, key: string): (string | undefined)[] {
  return (JSON.parse(text) as unknown[]).map((el) => {
    const v = el !== null && typeof el === 'object' && !Array.isArray(el) ? (el as Record<string, unknown>)[key] : undefined;
    return typeof v === 'string' ? v : undefined;
  });
}

function check(text: string, key = 'content'): void {
  const got = stringMemberTexts(text, key);
  assert.ok(got !== undefined, text);
  assert.deepEqual(got.map((t) => (t === undefined ? undefined : (JSON.parse(t) as string))), expected(text, key), text);
  for (const t of got) if (t !== undefined) assert.ok(text.includes(t), 'a slice of the text');
}

const MESSAGES = [
  { role: 'system', content: 'Be "brief". \\ Back\\slash, \n newline, ✓ Ünïcödé 😀' },
  { role: 'user', content: [{ type: 'text', text: 'parts', content: 'not me' }] },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"content":"x"}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: '{"books":[{"id":1,"title":"Ulysses \\"1922\\""}]}' },
  { content: '', role: 'user' },
  { role: 'user', name: 'content', content: 'after a value that is the key name' },
  { role: 'user', content: 'ends with a backslash \\' },
];

describe('stringMemberTexts', () => {
  test('compact JSON: each element\'s string content, nested ones and non-strings skipped', () => check(JSON.stringify(MESSAGES)));
  test('pretty-printed and tab/CRLF-spaced JSON', () => {
    check(JSON.stringify(MESSAGES, null, 2));
    check(JSON.stringify(MESSAGES, null, '\t').replace(/\n/g, '\r\n'));
  });
  test('strings with many escaped quotes and backslashes (JSON tool results)', () => {
    const result = JSON.stringify({ books: Array.from({ length: 20 }, (_, i) => ({ id: i, title: `T "${i}" \\ \\"` })) });
    check(JSON.stringify([{ role: 'tool', content: result, tool_call_id: 'x' }, { role: 'user', content: '\\"\\\\"' }, { content: result }]));
    check(JSON.stringify([{ role: 'tool', content: '\\'.repeat(9) + '"'.repeat(9) + '\\"'.repeat(9), x: '"'.repeat(9) }]));
  });
  test('escapes the client chose (\\u, \\/) stay as they were written', () => {
    const text = '[{"role":"user","content":"caf\\u00e9 \\/ \\ud83d\\ude00"}]';
    assert.deepEqual(stringMemberTexts(text, 'content'), ['"caf\\u00e9 \\/ \\ud83d\\ude00"']);
    check(text);
  });
  test('a key given twice: the last, as JSON.parse keeps', () => {
    check('[{"content":"first","content":"second"}]');
    check('[{"content":"first","content":{"x":1}}]');
    check('[{"content":["a"],"content":"second"}]');
  });
  test('elements that are not objects, numbers and literals in between', () => {
    check('[1, "content", null, true, {"content":"x","n":-1.5e3,"b":false,"z":null}, [], {}]');
    check('[]');
    check(' [ ] ');
  });
  test('a key written with escapes: undefined (which key it is would need a decode)', () => {
    assert.equal(stringMemberTexts('[{"cont\\u0065nt":"x"}]', 'content'), undefined);
    assert.equal(stringMemberTexts('[{"a\\"b":"x","content":"y"}]', 'content'), undefined);
  });
  test('not an array: undefined', () => {
    assert.equal(stringMemberTexts('{"content":"x"}', 'content'), undefined);
    assert.equal(stringMemberTexts('', 'content'), undefined);
    assert.equal(stringMemberTexts('[{"content":"x"}', 'content'), undefined);
  });
});
