import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChunkTemplates, JsonChunks, spanAt, type ChunkShape } from './json-chunks.js';

const SHAPE: ChunkShape = {
  fixedKeys: ['choices', 'usage', 'error'],
  leaves: [
    ['choices', 0, 'delta', 'content'],
    ['choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'],
  ],
  retained: [['error'], ['usage'], ['choices', 0, 'delta', 'reasoning_details']],
};

const ENV = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1733000000,"model":"m",';
const content = (t: string, env = ENV) => `${env}"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}},"logprobs":null,"finish_reason":null}]}`;
const args = (a: string) => `${ENV}"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(a)}}}]},"finish_reason":null}]}`;

/** What parse must give for each fixed key, and whether it must throw, compared with JSON.parse. */
/** The shape of OpenAI's chunks, with its padding member ignored. */
const PADDED: ChunkShape = { ...SHAPE, ignoredTail: ',"obfuscation":' };

function checkStream(datas: string[], templates = new ChunkTemplates(SHAPE)): { hits: number } {
  const shape = templates.shape;
  const chunks = new JsonChunks(templates);
  let hits = 0;
  datas.forEach((data, n) => {
    let want: unknown;
    let wantError: unknown;
    try {
      want = JSON.parse(data);
    } catch (e) {
      wantError = e;
    }
    if (wantError !== undefined) {
      assert.throws(() => chunks.parse(data), SyntaxError, `chunk ${n} must fail: ${data}`);
      return;
    }
    const got = chunks.parse(data) as Record<string, unknown>;
    // a template's value is its own parse, never returned before its first match
    if (templates.list.some((t) => t.value === got)) hits++;
    if (n === 0) assert.deepEqual(got, want, 'the first chunk is parsed whole');
    for (const k of shape.fixedKeys) assert.deepEqual(got[k], (want as Record<string, unknown>)[k], `chunk ${n}, ${k}: ${data}`);
  });
  return { hits };
}

describe('JsonChunks', () => {
  test('a run of content deltas: every chunk reads as JSON.parse reads it, the later ones through the template', () => {
    const texts = ['Hel', 'lo "there"', ' \\ back\\slash', '\n✓ 😀', '', 'end'];
    const { hits } = checkStream(texts.map((t) => content(t)));
    assert.equal(hits, 4, 'chunk 1 parsed whole, chunk 2 learned (the same leaf twice in a row), 3 to 6 through the template');
  });

  test('tool-call argument deltas with escaped JSON', () => {
    const { hits } = checkStream(['{"q', 'uery":"a \\"b\\"', '","limit"', ':5', '}'].map(args));
    assert.equal(hits, 3);
  });

  test('a chunk that looks like the template but is not one string literal is parsed whole', () => {
    const t = content('x');
    const cut = t.indexOf('"content":') + '"content":'.length;
    const before = t.slice(0, cut);
    const after = t.slice(cut + 3);
    checkStream([
      content('a'),
      content('b'),
      `${before}"a","content":"b"${after}`, // two members where the literal was: the last one wins
      `${before}"a" ${after}`,
      `${before}"raw\u0001control"${after}`, // invalid JSON: must throw as JSON.parse does
      `${before}"unterminated${after}`,
      `${before}5${after}`,
      `${before}"ok"${after}`,
    ]);
  });

  test('a literal with a raw control character in the template\'s place fails as JSON.parse fails', () => {
    const raw = content('x').replace('"x"', '"a\u0001b"');
    assert.throws(() => JSON.parse(raw), SyntaxError);
    const { hits } = checkStream([content('a'), content('b'), content('c'), raw, content('d\te')]);
    assert.equal(hits, 2, 'chunks 3 and 5');
  });

  test('envelope: later chunks with the same opening parse the rest; a different opening is parsed whole', () => {
    const other = '{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1733000001,"model":"m",';
    checkStream([
      content('a'),
      `${ENV}"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}`,
      `${ENV}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
      content('b', other),
      `${ENV}"error":{"message":"boom","code":500}}`,
      `${ENV}}`, // a trailing comma: invalid, must throw
      `${ENV} }`,
      `${ENV}"choices":[], "choices":[{"index":1}]}`, // a key twice: the last one
      `${ENV}"id":"late","choices":[]}`,
    ]);
  });

  test('a fixed key inside the opening members ends the envelope before it', () => {
    const usageFirst = (n: number) => `{"id":"x","usage":{"prompt_tokens":${n}},"model":"m","choices":[]}`;
    checkStream([usageFirst(1), usageFirst(2), usageFirst(3)]);
    // an escaped key may spell a fixed one ("\u0075sage" is usage): it ends the envelope too
    const escaped = (n: number) => `{"id":"x","\\u0075sage":{"prompt_tokens":1},"choices":[${n}]}`;
    checkStream([escaped(1), escaped(2), escaped(3)]);
  });

  test('chunks with a retained member are not learned as templates', () => {
    const withDetails = (t: string) => `${ENV}"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)},"reasoning_details":[{"type":"reasoning.text","text":"r"}]}}]}`;
    const templates = new ChunkTemplates(SHAPE);
    const chunks = new JsonChunks(templates);
    const got = ['a', 'b', 'c', 'd'].map((t) => chunks.parse(withDetails(t)) as any);
    assert.equal(templates.list.length, 0);
    assert.deepEqual(got.map((g) => g.choices[0].delta.content), ['a', 'b', 'c', 'd'], 'no object changed by a later chunk');
    assert.equal(new Set(got).size, 4);
  });

  test('templates are shared by the streams of a shape: a second stream hits from its second chunk', () => {
    const templates = new ChunkTemplates(SHAPE);
    assert.equal(checkStream(['a', 'b', 'c', 'd'].map((t) => content(t)), templates).hits, 2, 'learned at the second chunk, shared at the third');
    assert.equal(templates.list.length, 1);
    const other = '{"id":"chatcmpl-2","object":"chat.completion.chunk","created":1733000001,"model":"m",';
    assert.equal(checkStream(['w', 'x', 'y', 'z'].map((t) => content(t, other)), templates).hits, 3, 'all but the first chunk');
    assert.equal(checkStream(['{"a":', '1}', 'x'].map(args), templates).hits, 1, 'another leaf: learned at its second chunk');
    assert.equal(checkStream(['{"b":', '2}'].map(args), templates).hits, 1);
    assert.equal(templates.list.length, 2);
    assert.equal((templates.list[0]!.value as Record<string, unknown>).id, undefined, 'a shared template holds no envelope (no stream id)');
  });

  test('a stream\'s first chunk is parsed whole (its envelope); a shared template fits from its second', () => {
    const templates = new ChunkTemplates(SHAPE);
    checkStream(['a', 'b', 'c'].map((t) => content(t)), templates);
    assert.equal(templates.list.length, 1);
    assert.equal(checkStream(['t0', 't1', 't2', 't3'].map((t) => content(t)), templates).hits, 3);
  });

  test('a shared template never hides members of another stream\'s opening', () => {
    const templates = new ChunkTemplates(SHAPE);
    checkStream(['a', 'b', 'c'].map((t) => content(t)), templates);
    assert.equal(templates.list.length, 1);
    const body = content('x').slice(ENV.length);
    // an escaped key may spell a fixed one ("\u0075sage" is usage): not an envelope, so no template
    const escaped = `{"id":"chatcmpl-1","\\u0075sage":{"prompt_tokens":1},"model":"m",`;
    checkStream([content('a', escaped), content('b', escaped), content('c', escaped)], templates);
    // a later chunk whose opening differs from the stream's (same length, a fixed key in it) is not an instance
    const other = '{"usage":{"total":12},';
    const first = `{"id":"${'c'.repeat(other.length - 9)}",`;
    assert.equal(first.length, other.length);
    const { hits } = checkStream([content('a', first), content('b', first), `${other}${body}`, content('c', first)], templates);
    assert.equal(hits, 2, 'chunks 2 and 4 only');
  });

  test('a member that changes every chunk: a few learns per stream, nothing shared', () => {
    const templates = new ChunkTemplates(SHAPE);
    const padded = (t: string, n: number) => content(t).replace(/}$/, `,"obfuscation":"${'x'.repeat(n)}"}`);
    for (let s = 0; s < 3; s++) assert.equal(checkStream(Array.from({ length: 20 }, (_, n) => padded(`t${n}`, n)), templates).hits, 0);
    assert.equal(templates.list.length, 0);
  });

  test('an ignored tail (OpenAI\'s obfuscation padding): chunks with it fit the templates as though it were not there', () => {
    const templates = new ChunkTemplates(PADDED);
    const padded = (t: string, pad: string) => content(t).replace(/}$/, `,"obfuscation":${pad}}`);
    const pads = ['"x"', '"Zk9"', '"lRK2aBv"', '"0wmdEAC"', '"q"', '"abcdefgh"'];
    assert.equal(checkStream(pads.map((p, n) => padded(`t${n}`, p)), templates).hits, 4, 'learned at the second chunk, shared at the third');
    assert.equal(templates.list.length, 1);
    const value = templates.list[0]!.value as Record<string, unknown>;
    assert.equal(value.obfuscation, undefined, 'the template holds no padding');
    // a stream with the padding and one without share the template
    assert.equal(checkStream(['a', 'b', 'c'].map((t) => content(t)), templates).hits, 2);
    assert.equal(checkStream(['a', 'b', 'c'].map((t, n) => padded(t, pads[n]!)), templates).hits, 2);
    // padding that is not one plain literal: parsed whole (an escape, an empty pad), or fails as JSON.parse fails
    checkStream(
      [
        padded('a', '"x"'),
        padded('b', '"a\\"b"'),
        padded('c', '"esc\\u0041"'),
        padded('d', '""'),
        padded('e', '"raw\u0001"'),
        padded('f', '"open'),
        padded('g', '5'),
        padded('h', 'null'),
        padded('i', '"x","obfuscation":"y"'),
        `${padded('j', '"x"')} `,
        content('k').replace(/}$/, ',"obfuscation" : "x"}'),
        content('l').replace(/}]}$/, '}],"obfuscation":"x"}]}'),
        padded('m', '"ok"'),
      ],
      templates,
    );
  });

  test('generated streams: random envelopes, spacing, duplicate keys, escapes, garbage', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ['a', '"', '\\', '\n', '✓', '😀', '{"k":1}', ' ', '\\u0041', ''];
    let hits = 0;
    const templates = new ChunkTemplates(PADDED);
    for (let s = 0; s < 200; s++) {
      const env = rand(4) === 0 ? '{ "id" : "c", "model":"m" ,' : rand(3) === 0 ? '{"choices":[],' : ENV;
      const datas: string[] = [];
      for (let n = 0; n < 12; n++) {
        const text = Array.from({ length: rand(4) }, () => pieces[rand(pieces.length)]).join('');
        const kind = rand(10);
        let d = kind < 5 ? content(text, env) : kind < 8 ? args(text).replace(ENV, env) : `${env}"choices":[],"usage":{"prompt_tokens":${n}}}`;
        const mutate = rand(12);
        if (mutate === 0) d = d.slice(0, d.length - 1 - rand(5)); // cut short
        else if (mutate === 1) d = d.replace('"delta":{', '"delta":{"content":"dup",'); // a key twice
        else if (mutate === 2) d = d.replace(':null', ': null ');
        else if (mutate === 3) d = `${d.slice(0, -1)},"choices":[]}`;
        else if (mutate < 7) d = `${d.slice(0, -1)},"obfuscation":"${pieces[rand(pieces.length)]}${'x'.repeat(rand(3))}"}`; // padding, not always plain
        datas.push(d);
      }
      hits += checkStream(datas, templates).hits;
    }
    assert.ok(hits > 200, `template hits: ${hits}`);
  });
});

describe('spanAt', () => {
  test('the text of a nested value; the last of a key given twice; undefined past an escaped key', () => {
    const text = ' {"a":{"b":[1, {"c":"one"}, "x"]},"a":{"b":[0,{"c" : "two" }]}} ';
    const s = spanAt(text, ['a', 'b', 1, 'c'])!;
    assert.equal(text.slice(s[0], s[1]), '"two"');
    assert.equal(spanAt(text, ['a', 'b', 2]), undefined);
    assert.equal(spanAt(text, ['a', 'x']), undefined);
    assert.equal(spanAt('{"\\u0061":{"b":1},"a":{"b":2}}', ['a', 'b']), undefined);
    const arr = spanAt('{"a":[ ]}', ['a', 0]);
    assert.equal(arr, undefined);
  });
});
