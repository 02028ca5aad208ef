/** The Anthropic fake is only worth its strictness: each rule it claims, tested on its own. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactedData, signThinking, streamFrames, validateAnthropicRequest } from './anthropic.js';
import type { RecordedRequest } from './harness.js';

const HEADERS = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const rec = (body: unknown, headers: Record<string, string> = HEADERS, path = '/v1/messages'): RecordedRequest => ({ method: 'POST', path, headers, raw: Buffer.from(''), body, receivedAt: 0 });
const verdict = (body: unknown, headers?: Record<string, string>, path?: string) => {
  const r = validateAnthropicRequest(rec(body, headers, path), { apiKey: 'k' });
  return r === undefined ? 'ok' : `${(r as { status: number }).status} ${(r as { body: { error: { type: string; message: string } } }).body.error.message}`;
};

const tool = { name: 'f', input_schema: { type: 'object', properties: { a: { type: 'string' } } } };
const base = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const use = (id = 'toolu_1') => ({ type: 'tool_use', id, name: 'f', input: {} });
const result = (id = 'toolu_1') => ({ type: 'tool_result', tool_use_id: id, content: 'r' });
const loop = (assistant: unknown[]) => [{ role: 'user', content: 'q' }, { role: 'assistant', content: assistant }, { role: 'user', content: [result()] }];
const thinking = { type: 'enabled', budget_tokens: 1024 };
const signed = (t: string) => ({ type: 'thinking', thinking: t, signature: signThinking(t) });

describe('accepted', () => {
  const ok: Record<string, unknown> = {
    minimal: base,
    'tools + tool loop': { ...base, tools: [tool], messages: loop([{ type: 'text', text: 'x' }, use()]) },
    'thinking loop with signed thinking first': { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([signed('t'), use()]) },
    'redacted thinking first': { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([{ type: 'redacted_thinking', data: redactedData('x') }, use()]) },
    'system blocks with cache_control': { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    'every tool_choice': { ...base, tools: [tool], tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true } },
  };
  for (const [name, body] of Object.entries(ok)) test(name, () => assert.equal(verdict(body), 'ok'));
});

describe('rejected as the API rejects', () => {
  const bad: [string, unknown, RegExp, Record<string, string>?, string?][] = [
    ['wrong path', base, /^404/, undefined, '/v1/chat/completions'],
    ['no x-api-key', base, /^401 x-api-key header is required/, { 'anthropic-version': '2023-06-01' }],
    ['wrong key', base, /^401 invalid x-api-key/, { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' }],
    ['no anthropic-version', base, /^400 anthropic-version/, { 'x-api-key': 'k' }],
    ['unknown beta', base, /Unexpected value\(s\) `fancy` for the `anthropic-beta` header/, { ...HEADERS, 'anthropic-beta': 'interleaved-thinking-2025-05-14, fancy' }],
    ['no max_tokens', { model: 'm', messages: base.messages }, /max_tokens: Field required/],
    ['OpenAI fields', { ...base, max_completion_tokens: 5 }, /max_completion_tokens: Extra inputs are not permitted/],
    ['reasoning field', { ...base, reasoning: { effort: 'high' } }, /reasoning: Extra inputs/],
    ['an OpenAI tool role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, /role: Input should be 'user' or 'assistant'/],
    ['two user turns', { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }, /roles must alternate/],
    ['empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, /text content blocks must be non-empty/],
    ['whitespace-only assistant text', { ...base, tools: [tool], messages: loop([{ type: 'text', text: '\n\n' }, use()]) }, /must contain non-whitespace text/],
    ['extra key on a message', { ...base, messages: [{ role: 'user', content: 'a', name: 'bob' }] }, /messages\.0\.name: Extra inputs/],
    ['OpenAI-shape tool', { ...base, tools: [{ type: 'function', function: { name: 'f' } }] }, /tools\.0\.custom\.function: Extra inputs/],
    ['schema not an object', { ...base, tools: [{ name: 'f', input_schema: { type: 'array' } }] }, /input_schema\.type: Input should be 'object'/],
    ['invalid JSON schema', { ...base, tools: [{ name: 'f', input_schema: { type: 'object', properties: { a: { type: 'strng' } } } }] }, /JSON schema is invalid/],
    ['tool_use without tools', { ...base, messages: loop([use()]) }, /must define tools/],
    ['tool_use input a string', { ...base, tools: [tool], messages: loop([{ ...use(), input: '{}' }]) }, /input: Input should be a valid dictionary/],
    ['bad tool id', { ...base, tools: [tool], messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [use('call.1')] }] }, /String should match pattern/],
    ['missing tool_result', { ...base, tools: [tool], messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [use('toolu_1'), use('toolu_2')] }, { role: 'user', content: [result('toolu_1')] }] }, /ids were found without `tool_result` blocks immediately after: toolu_2/],
    ['stray tool_result', { ...base, tools: [tool], messages: [{ role: 'user', content: [result('toolu_9')] }] }, /unexpected `tool_use_id`/],
    ['tool_result after text', { ...base, tools: [tool], messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [use()] }, { role: 'user', content: [{ type: 'text', text: 'x' }, result()] }] }, /tool_result blocks must come before/],
    ['tool_choice as a string', { ...base, tools: [tool], tool_choice: 'auto' }, /tool_choice: Input should be a valid dictionary/],
    ['tool_choice without tools', { ...base, tool_choice: { type: 'auto' } }, /only be specified while providing tools/],
    ['tool_choice none with parallel flag', { ...base, tools: [tool], tool_choice: { type: 'none', disable_parallel_tool_use: true } }, /Extra inputs/],
    ['tool_choice unknown tool', { ...base, tools: [tool], tool_choice: { type: 'tool', name: 'g' } }, /Tool 'g' not found/],
    ['temperature 2', { ...base, temperature: 2 }, /temperature/],
    ['whitespace stop sequence', { ...base, stop_sequences: ['\n'] }, /non-whitespace/],
    ['five cache breakpoints', { ...base, system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `s${i}`, cache_control: { type: 'ephemeral' } })) }, /A maximum of 4 blocks with cache_control/],
    ['budget below 1024', { ...base, max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 1000 } }, /greater than or equal to 1024/],
    ['budget not below max_tokens', { ...base, max_tokens: 1024, thinking }, /`max_tokens` must be greater than `thinking.budget_tokens`/],
    ['temperature while thinking', { ...base, max_tokens: 2000, thinking, temperature: 0.5 }, /`temperature` may only be set to 1/],
    ['top_k while thinking', { ...base, max_tokens: 2000, thinking, top_k: 5 }, /`top_k` must be unset/],
    ['low top_p while thinking', { ...base, max_tokens: 2000, thinking, top_p: 0.5 }, /`top_p` must be greater than or equal to 0.95/],
    ['forced tool while thinking', { ...base, max_tokens: 2000, thinking, tools: [tool], tool_choice: { type: 'any' } }, /forces tool use/],
    ['dropped thinking in the tool loop', { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([use()]) }, /Expected `thinking` or `redacted_thinking`, but found `tool_use`/],
    ['prefill while thinking', { ...base, max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'A:' }] }, /must start with a thinking block/],
    ['edited thinking text', { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([{ ...signed('t'), thinking: 't2' }, use()]) }, /Invalid `signature`/],
    ['empty signature', { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([{ ...signed('t'), signature: '' }, use()]) }, /Invalid `signature`/],
    ['forged redacted data', { ...base, max_tokens: 2000, thinking, tools: [tool], messages: loop([{ type: 'redacted_thinking', data: 'red_abc.0000000000000000' }, use()]) }, /Invalid `data`/],
    ['thinking in a user turn', { ...base, messages: [{ role: 'user', content: [signed('t')] }] }, /not allowed in 'user' messages/],
    ['bad image type', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }] }] }, /media_type/],
  ];
  for (const [name, body, re, headers, path] of bad) test(name, () => assert.match(verdict(body, headers, path), re));
});

describe('replies', () => {
  test('a stream ends with message_delta + message_stop, or with an error event', () => {
    const frames = streamFrames([{ type: 'text', text: 'hi' }]);
    assert.match(frames[0]!, /^event: message_start\n/);
    assert.match(frames.at(-1)!, /^event: message_stop\n/);
    assert.match(frames.at(-2)!, /"stop_reason":"end_turn"/);
    const failed = streamFrames([{ type: 'text', text: 'hi' }], { errorAfterBlocks: { blocks: 1, type: 'overloaded_error' } });
    assert.match(failed.at(-1)!, /^event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
  });
  test('tool input fragments must join to the input', () => {
    assert.throws(() => streamFrames([{ type: 'tool_use', id: 't', name: 'f', input: { a: 1 }, fragments: ['{"a":'] }]));
  });
});
