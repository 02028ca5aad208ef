import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { createOpenAIStreamParser } from './stream.js';

const ctx = { provider: { name: 'p', type: 'openai', base_url: '', headers: {}, timeout_ms: 1 }, endpoint: { provider: 'p', model: 'm', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] }, generationId: 'gen-1-abcdefghijklmnop' } as AdapterContext;
const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function parse(frames: string[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createOpenAIStreamParser(ctx, (e) => out.push(e));
  for (const f of frames) p.push(new TextEncoder().encode(f));
  p.end();
  return out;
}
const calls = (ev: StreamEvent[]) => ev.filter((e) => e.type === 'tool_call_start' || e.type === 'tool_call_delta');

describe('OpenAI stream parser quirks (OpenAI-compatible servers)', () => {
  test('missing index on every delta: one open call collects the fragments', () => {
    const ev = parse([chunk({ tool_calls: [{ id: 'a', function: { name: 'f', arguments: '' } }] }), chunk({ tool_calls: [{ function: { arguments: '{"x"' } }] }), chunk({ tool_calls: [{ function: { arguments: ':1}' } }] }), chunk({}, 'tool_calls')]);
    assert.deepEqual(calls(ev), [
      { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{"x"' },
      { type: 'tool_call_delta', index: 0, arguments: ':1}' },
    ]);
  });

  test('index 0 reused for a new id (Ollama) starts a new call', () => {
    const ev = parse([chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }] }), chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'g', arguments: '{}' } }] }), chunk({}, 'stop')]);
    const starts = ev.filter((e) => e.type === 'tool_call_start');
    assert.deepEqual(starts.map((s) => s.type === 'tool_call_start' && [s.index, s.id, s.name]), [[0, 'a', 'f'], [1, 'b', 'g']]);
  });

  test('arguments before the name are buffered; missing id synthesized; object arguments stringified', () => {
    const ev = parse([chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }), chunk({ tool_calls: [{ index: 0, function: { name: 'search', arguments: '"x"}' } }] }), chunk({ tool_calls: [{ index: 1, function: { name: 'o', arguments: { a: 1 } } }] }), chunk({}, 'tool_calls')]);
    assert.deepEqual(calls(ev), [
      { type: 'tool_call_start', index: 0, id: 'call_efghijklmnop_0', name: 'search' },
      { type: 'tool_call_delta', index: 0, arguments: '{"q":' },
      { type: 'tool_call_delta', index: 0, arguments: '"x"}' },
      { type: 'tool_call_start', index: 1, id: 'call_efghijklmnop_1', name: 'o' },
      { type: 'tool_call_delta', index: 1, arguments: '{"a":1}' },
    ]);
  });

  test('reasoning_content (DeepSeek/vLLM) and reasoning become reasoning events', () => {
    const ev = parse([chunk({ reasoning_content: 'hm' }), chunk({ reasoning: 'ok' }), chunk({ content: 'A' }), chunk({}, 'stop')]);
    assert.deepEqual(ev.filter((e) => e.type === 'reasoning').map((e) => e.type === 'reasoning' && e.text), ['hm', 'ok']);
  });

  test('usage chunk with empty choices; finish mapped', () => {
    const ev = parse([chunk({ content: 'A' }), chunk({}, 'length'), `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 1 } } })}\n\n`, 'data: [DONE]\n\n']);
    assert.deepEqual(ev.find((e) => e.type === 'finish'), { type: 'finish', reason: 'length', native: 'length' });
    assert.deepEqual(ev.find((e) => e.type === 'usage'), { type: 'usage', usage: { promptTokens: 3, completionTokens: 4, cachedTokens: 1 } });
  });
});

describe('OpenAI stream parser: chunks as OpenAI writes them', () => {
  // the envelope of api.openai.com's chunks, `usage: null` (include_usage) and the padding it adds to every chunk by default
  const real = (id: string, choice: unknown, pad: string | undefined, usage: unknown = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1769092764, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_29330a9688', choices: choice === undefined ? [] : [choice], usage, ...(pad === undefined ? {} : { obfuscation: pad }) })}\n\n`;
  const stream = (id: string, words: string[], padded: boolean) => [
    real(id, { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }, padded ? 'Zk' : undefined),
    ...words.map((w, n) => real(id, { index: 0, delta: { content: w }, logprobs: null, finish_reason: null }, padded ? 'lRK2aBv'.slice(0, 1 + (n % 7)) : undefined)),
    real(id, { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }, padded ? 'q' : undefined),
    real(id, undefined, padded ? 'abc' : undefined, { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length }),
    'data: [DONE]\n\n',
  ];
  const words = ['Hello', ',', ' "World"', ' \\o/', '\n✓', ' 😀', '!'];

  test('with and without the obfuscation padding, every stream reads the same events', () => {
    const plain = parse(stream('chatcmpl-a', words, false));
    assert.deepEqual(plain.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text), words);
    for (let n = 0; n < 3; n++) assert.deepEqual(parse(stream(`chatcmpl-p${n}`, words, true)), plain.map((e) => (e.type === 'meta' ? { ...e, upstreamId: `chatcmpl-p${n}` } : e)));
  });

  test('streams read chunk by chunk in turn (their chunks share templates) keep their own events', () => {
    const a: StreamEvent[] = [];
    const b: StreamEvent[] = [];
    const pa = createOpenAIStreamParser(ctx, (e) => a.push(e));
    const pb = createOpenAIStreamParser(ctx, (e) => b.push(e));
    const fa = stream('chatcmpl-a', words, true);
    const fb = stream('chatcmpl-b', words.map((w) => w.toUpperCase()), false);
    for (let i = 0; i < fa.length; i++) {
      pa.push(new TextEncoder().encode(fa[i]!));
      pb.push(new TextEncoder().encode(fb[i]!));
    }
    pa.end();
    pb.end();
    assert.deepEqual(a.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text), words);
    assert.deepEqual(b.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text), words.map((w) => w.toUpperCase()));
    assert.deepEqual(a.find((e) => e.type === 'usage'), { type: 'usage', usage: { promptTokens: 5, completionTokens: words.length } });
  });
});
