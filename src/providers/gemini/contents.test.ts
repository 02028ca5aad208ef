import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message } from '../../schema/types.js';
import { buildContents, SKIP_SIGNATURE, toolResult } from './contents.js';

const call = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });
const G = 'google-gemini-v1';

describe('buildContents: roles', () => {
  test('system/developer → systemInstruction; user/assistant → user/model', () => {
    const out = buildContents([
      { role: 'system', content: 'be brief' },
      { role: 'developer', content: [{ type: 'text', text: 'use tools' }] },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'more' },
    ]);
    assert.deepEqual(out.systemInstruction, { parts: [{ text: 'be brief' }, { text: 'use tools' }] });
    assert.deepEqual(out.contents, [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'hello' }] },
      { role: 'user', parts: [{ text: 'more' }] },
    ]);
  });
  test('consecutive same-role turns are merged; empty text is never sent', () => {
    const out = buildContents([
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'c' },
    ]);
    assert.deepEqual(out.contents, [
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
    ]);
  });
  test('images: data URL → inlineData, URL → fileData', () => {
    const out = buildContents([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'https://x/y.webp' } }] }]);
    assert.deepEqual(out.contents[0]!.parts, [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { fileData: { mimeType: 'image/webp', fileUri: 'https://x/y.webp' } }]);
  });
  test('only a system prompt → 400', () => assert.throws(() => buildContents([{ role: 'system', content: 's' }]), /at least one user or assistant message/));
});

describe('buildContents: tool calls and results', () => {
  const history: Message[] = [
    { role: 'user', content: 'weather in Paris and Rome?' },
    { role: 'assistant', content: null, tool_calls: [call('c1', 'weather', '{"city":"Paris"}'), call('c2', 'weather', '{"city":"Rome"}'), call('c3', 'clock', '')] },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp":21}' },
    { role: 'tool', tool_call_id: 'c2', content: 'sunny' },
    { role: 'tool', tool_call_id: 'c3', content: '[1,2]' },
  ];
  const out = buildContents(history);
  test('tool_calls → functionCall parts with object args and the ids', () =>
    assert.deepEqual(out.contents[1]!.parts.map((p) => p.functionCall), [
      { id: 'c1', name: 'weather', args: { city: 'Paris' } },
      { id: 'c2', name: 'weather', args: { city: 'Rome' } },
      { id: 'c3', name: 'clock', args: {} },
    ]));
  test('all tool results → one user turn of functionResponse parts, names recovered by id, in order', () => {
    assert.equal(out.contents.length, 3);
    assert.deepEqual(out.contents[2], {
      role: 'user',
      parts: [
        { functionResponse: { id: 'c1', name: 'weather', response: { temp: 21 } } },
        { functionResponse: { id: 'c2', name: 'weather', response: { output: 'sunny' } } },
        { functionResponse: { id: 'c3', name: 'clock', response: { output: [1, 2] } } },
      ],
    });
  });
  test('results sent in another order than the calls are put in call order', () => {
    const o = buildContents([history[0]!, history[1]!, { role: 'user', content: 'note' }, history[4]!, history[2]!, history[3]!]);
    assert.deepEqual(o.contents[2]!.parts.map((p) => p.functionResponse?.id ?? p.text), ['c1', 'c2', 'c3', 'note']);
  });
  test('a user message right after the results joins that turn, after the responses', () => {
    const o = buildContents([...history, { role: 'user', content: 'thanks' }]);
    assert.equal(o.contents.length, 3);
    assert.deepEqual(o.contents[2]!.parts.at(-1), { text: 'thanks' });
  });
  test('arguments that are not JSON still go back, as {_raw}', () => {
    const o = buildContents([{ role: 'user', content: 'x' }, { role: 'assistant', content: 'ok', tool_calls: [call('c1', 'f', '{oops')] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }]);
    assert.deepEqual(o.contents[1]!.parts[1]!.functionCall!.args, { _raw: '{oops' });
  });
  test('toolResult: JSON objects as they are, anything else wrapped, $ref-bearing JSON as a string', () => {
    assert.deepEqual(toolResult('{"a":1}'), { a: 1 });
    assert.deepEqual(toolResult('plain'), { output: 'plain' });
    assert.deepEqual(toolResult('42'), { output: 42 });
    assert.deepEqual(toolResult('null'), { output: null });
    assert.deepEqual(toolResult('{"schema":{"$ref":"#/$defs/A"}}'), { output: '{"schema":{"$ref":"#/$defs/A"}}' });
  });
});

describe('buildContents: thought signatures go back on the parts they came on', () => {
  const assistant: Message = {
    role: 'assistant',
    content: 'Let me look.',
    tool_calls: [call('c1', 'search', '{"q":"a"}'), call('c2', 'search', '{"q":"b"}')],
    reasoning_details: [
      { type: 'reasoning.text', text: 'I should ', format: G, index: 0 },
      { type: 'reasoning.text', text: 'search.', format: G, index: 0 },
      { type: 'reasoning.text', signature: 'SIG-THOUGHT', format: G, index: 0 },
      { type: 'reasoning.encrypted', data: 'SIG-TEXT', format: G, index: 1 },
      { type: 'reasoning.encrypted', data: 'SIG-C1', id: 'c1', format: G, index: 2 },
      { type: 'reasoning.text', text: 'claude thinking', signature: 'anthropic-sig', format: 'anthropic-claude-v1', index: 0 },
    ],
  };
  const msgs: Message[] = [{ role: 'user', content: 'q' }, assistant, { role: 'tool', tool_call_id: 'c1', content: 'r1' }, { role: 'tool', tool_call_id: 'c2', content: 'r2' }];
  test('streamed fragments rejoined into one signed thought part; text and call signatures in place; other formats ignored', () => {
    assert.deepEqual(buildContents(msgs).contents[1]!.parts, [
      { text: 'I should search.', thought: true, thoughtSignature: 'SIG-THOUGHT' },
      { text: 'Let me look.', thoughtSignature: 'SIG-TEXT' },
      { functionCall: { id: 'c1', name: 'search', args: { q: 'a' } }, thoughtSignature: 'SIG-C1' },
      { functionCall: { id: 'c2', name: 'search', args: { q: 'b' } } },
    ]);
  });
  test('unsigned thought summaries are not sent back', () => {
    const o = buildContents([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_details: [{ type: 'reasoning.text', text: 'hmm', format: G, index: 0 }] }, { role: 'user', content: 'q2' }]);
    assert.deepEqual(o.contents[1]!.parts, [{ text: 'a' }]);
  });
  const dropped: Message[] = [
    { role: 'user', content: 'q1' },
    { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{}')] },
    { role: 'tool', tool_call_id: 'a', content: 'r' },
    { role: 'assistant', content: 'done' },
    { role: 'user', content: 'q2' },
    { role: 'assistant', content: null, tool_calls: [call('b', 'f', '{}'), call('c', 'f', '{}')] },
    { role: 'tool', tool_call_id: 'b', content: 'r' },
    { role: 'tool', tool_call_id: 'c', content: 'r' },
  ];
  test('where signatures are required, a current-turn call that lost its signature gets the documented skip value; earlier turns do not', () => {
    const o = buildContents(dropped, { requireSignatures: true });
    assert.equal(o.contents[1]!.parts[0]!.thoughtSignature, undefined);
    assert.equal(o.contents[5]!.parts[0]!.thoughtSignature, SKIP_SIGNATURE);
    assert.equal(o.contents[5]!.parts[1]!.thoughtSignature, undefined, 'only the first call of a step carries one');
  });
  test('where they are not (thinking off, Gemini 2.5), nothing is made up', () =>
    assert.ok(buildContents(dropped).contents.every((c) => c.parts.every((p) => p.thoughtSignature === undefined))));
});
