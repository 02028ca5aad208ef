import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonWithRaw, stringifyWithRaw, type RawMembers } from './raw-json.js';

/** Parses and returns the object and a lookup of its members' text. */
function parse(text: string): [Record<string, unknown>, (v: unknown) => string | undefined, RawMembers] {
  const { value, raw } = parseJsonWithRaw(text);
  return [value as Record<string, unknown>, (v) => raw!.of(v), raw!];
}

test('records the text of each top-level object/array member, nothing else', () => {
  const text = '{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}],"n":1,"x":{"a":[1,2]},"t":true,"z":null}';
  const [v, rawOf_v] = parse(text);
  assert.equal(rawOf_v(v.messages), '[{"role":"user","content":"hi"}]');
  assert.equal(rawOf_v(v.tools), '[{"type":"function"}]');
  assert.equal(rawOf_v(v.x), '{"a":[1,2]}');
  assert.equal(rawOf_v((v.x as { a: unknown }).a), undefined, 'nested values are not recorded');
  assert.equal(rawOf_v(v), undefined);
  assert.equal(rawOf_v(v.model), undefined);
});

test('strings with quotes, backslashes and brackets inside do not confuse the walk', () => {
  const body = {
    a: 'say "hi" \\ and ] or } or [ {',
    messages: [{ content: 'ends with a backslash \\', other: '\\"', q: '"' }, { content: '}]' }],
    'k"ey\\': [1, '\\\\"', { '"': '[' }],
    tools: [],
    u: 'ünïcødé ✓ 𝄞',
    after: [{ '}': ']' }],
  };
  const text = JSON.stringify(body);
  const [v, rawOf_v] = parse(text);
  for (const k of ['messages', 'k"ey\\', 'tools', 'after']) {
    assert.deepEqual(JSON.parse(rawOf_v(v[k])!), body[k as keyof typeof body], k);
  }
});

test('pretty-printed bodies and whitespace everywhere', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], temperature: 0.5, stop: ['a'] };
  for (const text of [JSON.stringify(body, null, 2), JSON.stringify(body, null, '\t'), ` \n {  ${JSON.stringify(body).slice(1, -1).replace(/,/g, ' ,\r\n ').replace(/:/g, ' : ')} } \n`]) {
    const [v, rawOf_v] = parse(text);
    assert.deepEqual(JSON.parse(rawOf_v(v.messages)!), body.messages);
    assert.deepEqual(JSON.parse(rawOf_v(v.tools)!), body.tools);
    assert.deepEqual(JSON.parse(rawOf_v(v.stop)!), body.stop);
  }
});

test('a duplicate key: the recorded text is the value JSON.parse kept (the last one)', () => {
  const [v, rawOf_v] = parse('{"tools":[{"a":1}],"m":2,"tools":[{"b":2}]}');
  assert.deepEqual(v.tools, [{ b: 2 }]);
  assert.equal(rawOf_v(v.tools), '[{"b":2}]');
  const [w, rawOf_w] = parse('{"tools":[{"a":1}],"tools":null}');
  assert.equal(w.tools, null);
  const [x, rawOf_x] = parse('{"tools":{"a":1},"tools":[3]}');
  assert.equal(rawOf_x(x.tools), '[3]');
});

test('keys written with escapes are matched by their value', () => {
  const [v, rawOf_v] = parse('{"\\u0074ools":[1],"m\\"x":{"y":[2]}}');
  assert.equal(rawOf_v(v.tools), '[1]');
  assert.equal(rawOf_v(v['m"x']), '{"y":[2]}');
});

test('a value that was replaced has no text; a copy neither', () => {
  const [v, rawOf] = parse('{"messages":[{"role":"user","content":"a"}]}');
  assert.equal(rawOf(v.messages), '[{"role":"user","content":"a"}]');
  assert.equal(rawOf([...(v.messages as unknown[])]), undefined);
  assert.equal(rawOf({ ...v }), undefined);
  assert.equal(rawOf(JSON.parse('[{"role":"user","content":"a"}]')), undefined);
});

test('arrays and scalars at the top level parse and record nothing', () => {
  assert.equal(parseJsonWithRaw('[[1],[2]]').raw, undefined);
  assert.deepEqual(parseJsonWithRaw('"x"'), { value: 'x', raw: undefined });
  assert.deepEqual(parseJsonWithRaw('3'), { value: 3, raw: undefined });
  assert.throws(() => parseJsonWithRaw('{"a":'), SyntaxError);
});

test('stringifyWithRaw: the same value as JSON.stringify, spliced members verbatim', () => {
  const text = '{ "messages" : [ {"role":"user", "content":"a\\nb"} ], "tools":[{"type":"function"}] }';
  const [v, , raw] = parse(text);
  const out = { model: 'up', messages: v.messages, tools: v.tools, n: 2, skip: undefined, f: () => 1, nil: null, obj: { fresh: true } };
  const s = stringifyWithRaw(out, raw);
  assert.ok(s.includes('[ {"role":"user", "content":"a\\nb"} ]'), 'spliced verbatim');
  assert.deepEqual(JSON.parse(s), JSON.parse(JSON.stringify(out)));
  assert.equal(stringifyWithRaw({}, raw), '{}');
  assert.equal(stringifyWithRaw(out, undefined), JSON.stringify(out));
});

test('random bodies: every recorded text parses back to its value', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const chars = ['a', '"', '\\', '[', ']', '{', '}', ',', ':', ' ', 'é', '\n', '\u2028', '😀'];
  const str = () => Array.from({ length: Math.floor(rnd() * 8) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  const val = (d: number): unknown => {
    const r = rnd();
    if (d > 3 || r < 0.3) return [str(), 1.5, -2, true, false, null][Math.floor(rnd() * 6)];
    if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => val(d + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [str(), val(d + 1)]));
  };
  for (let i = 0; i < 300; i++) {
    const body = Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, k) => [`${str()}${k}`, val(0)]));
    const text = JSON.stringify(body, null, rnd() < 0.5 ? undefined : 1);
    const [v, rawOf_v, rawMembers] = parse(text);
    for (const [k, member] of Object.entries(v)) {
      const raw = rawOf_v(member);
      if (typeof member === 'object' && member !== null) assert.deepEqual(JSON.parse(raw!), member, `${text} key ${k}`);
      else assert.equal(raw, undefined);
    }
    assert.deepEqual(JSON.parse(stringifyWithRaw(v, rawMembers)), body);
  }
});
