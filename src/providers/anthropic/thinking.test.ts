import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import type { Message } from '../../schema/types.js';
import { canon, ctx } from './__fixtures__/context.js';
import { defaultMaxTokens, planTokens, thinkingConflict } from './thinking.js';

const ep = ctx().endpoint;
const plan = (body: Record<string, unknown>, endpoint = ep) => {
  const r = canon(body);
  return planTokens(r.reasoning, r.maxTokens, endpoint, r.reasoning?.enabled === true);
};

describe('max_tokens and thinking budget', () => {
  test('without reasoning: the client max_tokens, else the endpoint default, else 4096', () => {
    assert.deepEqual(plan({ max_tokens: 300 }), { maxTokens: 300 });
    assert.deepEqual(plan({}), { maxTokens: 4096 });
    assert.equal(defaultMaxTokens(ctx({ default_max_tokens: 8192 }).endpoint), 8192);
    assert.equal(defaultMaxTokens(ctx({ max_completion_tokens: 2048 }).endpoint), 2048);
    assert.deepEqual(plan({ max_tokens: 100000 }, ctx({ max_completion_tokens: 64000 }).endpoint), { maxTokens: 64000 }, 'capped at the model limit');
  });
  test('effort → a share of max_tokens, at least 1024, at most 32000', () => {
    assert.deepEqual(plan({ max_tokens: 10000, reasoning: { effort: 'high' } }), { maxTokens: 10000, thinking: { type: 'enabled', budget_tokens: 8000 } });
    assert.deepEqual(plan({ max_tokens: 10000, reasoning: { effort: 'low' } }), { maxTokens: 10000, thinking: { type: 'enabled', budget_tokens: 2000 } });
    assert.deepEqual(plan({ max_tokens: 100000, reasoning: { effort: 'xhigh' } }), { maxTokens: 100000, thinking: { type: 'enabled', budget_tokens: 32000 } });
    assert.deepEqual(plan({ reasoning: { enabled: true } }), { maxTokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } });
    assert.deepEqual(plan({ reasoning_effort: 'minimal' }), { maxTokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } });
  });
  test('a budget at or above max_tokens: max_tokens = budget + the client amount', () => {
    assert.deepEqual(plan({ max_tokens: 500, reasoning: { max_tokens: 2000 } }), { maxTokens: 2500, thinking: { type: 'enabled', budget_tokens: 2000 } });
    assert.deepEqual(plan({ max_tokens: 800, reasoning: { effort: 'minimal' } }), { maxTokens: 1824, thinking: { type: 'enabled', budget_tokens: 1024 } });
  });
  test('a budget below Anthropic minimum is raised to 1024', () => {
    assert.deepEqual(plan({ max_tokens: 4000, reasoning: { max_tokens: 200 } }), { maxTokens: 4000, thinking: { type: 'enabled', budget_tokens: 1024 } });
  });
  test('the endpoint cap wins; too small for thinking is a clear 400', () => {
    const capped = ctx({ max_completion_tokens: 3000 }).endpoint;
    const p = plan({ max_tokens: 2000, reasoning: { max_tokens: 2500 } }, capped);
    assert.equal(p.maxTokens, 3000);
    assert.ok(p.thinking!.type === 'enabled' && p.thinking!.budget_tokens < 3000 && p.thinking!.budget_tokens >= 1024);
    assert.throws(() => plan({ reasoning: { effort: 'high' } }, ctx({ max_completion_tokens: 1024 }).endpoint), (e: unknown) => e instanceof GatewayError && e.status === 400 && /at most 1024 output tokens/.test(e.message));
  });
  test('effort none / enabled false: no thinking', () => {
    assert.deepEqual(plan({ reasoning: { effort: 'none' } }), { maxTokens: 4096 });
    assert.deepEqual(plan({ reasoning: { enabled: false, max_tokens: 2000 } }), { maxTokens: 4096 });
  });
});

describe('thinkingConflict', () => {
  const signed = { type: 'reasoning.text' as const, text: 't', signature: 'sig', format: 'anthropic-claude-v1', index: 0 };
  const call = { id: 'toolu_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
  test('a fresh question is fine', () => assert.equal(thinkingConflict([{ role: 'user', content: 'q' }]), undefined));
  test('a prefill (final assistant text) cannot think', () =>
    assert.equal(thinkingConflict([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'The answer is' }]), 'prefill'));
  test('the last tool turn must carry its signed thinking', () => {
    const history = (details?: unknown[]): Message[] => [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [call], ...(details ? { reasoning_details: details } : {}) } as Message,
      { role: 'tool', tool_call_id: 'toolu_1', content: 'r' },
    ];
    assert.equal(thinkingConflict(history([signed])), undefined);
    assert.equal(thinkingConflict(history()), 'unsigned_tool_turn');
    assert.equal(thinkingConflict(history([{ ...signed, signature: undefined }])), 'unsigned_tool_turn');
    assert.equal(thinkingConflict(history([{ type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1' }])), undefined);
  });
  test('a completed earlier loop followed by a text answer does not matter', () => {
    assert.equal(
      thinkingConflict([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'r' },
        { role: 'assistant', content: 'done' },
        { role: 'user', content: 'next' },
      ]),
      undefined,
    );
  });
});
