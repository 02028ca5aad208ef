import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import type { Message } from '../../schema/types.js';
import { anthropicToolId, convertMessages } from './messages.js';

const call = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });
const is400 = (re: RegExp) => (e: unknown) => e instanceof GatewayError && e.status === 400 && re.test(e.message);
const convert = (messages: Message[], thinking = false) => convertMessages(messages, { thinking });

describe('system', () => {
  test('every system/developer message, in order, joined; empty ones dropped', () => {
    const out = convert([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: '  ' }] },
      { role: 'system', content: '' },
    ]);
    assert.equal(out.system, 'You are helpful.\n\nBe brief.');
    assert.deepEqual(out.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });
  test('cache_control on a system part keeps the blocks', () => {
    const out = convert([
      { role: 'system', content: [{ type: 'text', text: 'Big manual', cache_control: { type: 'ephemeral' } }] },
      { role: 'system', content: 'Short rule' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.deepEqual(out.system, [{ type: 'text', text: 'Big manual', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Short rule' }]);
  });
  test('no system → no system field', () => assert.equal('system' in convert([{ role: 'user', content: 'x' }]), false));
});

describe('alternation', () => {
  test('consecutive same-role messages are merged; empty ones dropped', () => {
    const out = convert([
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'c' },
      { role: 'assistant', content: 'd' },
      { role: 'user', content: 'e' },
    ]);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'text', text: 'd' }] },
      { role: 'user', content: [{ type: 'text', text: 'e' }] },
    ]);
  });
  test('a final assistant message (prefill) loses trailing whitespace', () => {
    const out = convert([{ role: 'user', content: 'Name a colour' }, { role: 'assistant', content: 'The colour is ' }]);
    assert.deepEqual(out.messages[1], { role: 'assistant', content: [{ type: 'text', text: 'The colour is' }] });
    assert.equal(convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: '  ' }]).messages.length, 1);
  });
});

describe('tool calls and results', () => {
  const history: Message[] = [
    { role: 'user', content: 'Weather in Paris and Rome?' },
    { role: 'assistant', content: 'Checking.', tool_calls: [call('call_1', 'get_weather', '{"city":"Paris"}'), call('call_2', 'get_weather', '')] },
    { role: 'tool', tool_call_id: 'call_1', content: '18C' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '21C' }] },
    { role: 'user', content: 'And tomorrow?' },
  ];
  test('tool_use blocks with parsed input; consecutive results merged into one user turn, results first', () => {
    const out = convert(history);
    assert.deepEqual(out.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '21C' }] },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
  });
  test('whitespace-only assistant text next to tool calls is dropped (Anthropic rejects it)', () => {
    const out = convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: '\n\n', tool_calls: [call('call_1', 'f', '{}')] }, { role: 'tool', tool_call_id: 'call_1', content: 'r' }]);
    assert.deepEqual(out.messages[1]!.content.map((b) => b.type), ['tool_use']);
  });
  test('a user message between a call and its result still puts the results first', () => {
    const out = convert([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [call('call_1', 'f', '{}')] },
      { role: 'user', content: 'hurry' },
      { role: 'tool', tool_call_id: 'call_1', content: 'r' },
    ]);
    assert.deepEqual(out.messages[2]!.content.map((b) => b.type), ['tool_result', 'text']);
  });
  test('arguments that are not a JSON object → 400 naming the message and the call', () => {
    const bad: Message[] = [{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('call_ok', 'f', '{}'), call('call_bad', 'f', '{"city": ')] }];
    assert.throws(() => convert(bad), is400(/messages\[1\]\.tool_calls\[1\]\.function\.arguments \(tool call "call_bad"\)/));
  });
  test('a tool call without a result in the next turn → 400', () => {
    assert.throws(
      () => convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('call_1', 'f', '{}'), call('call_2', 'f', '{}')] }, { role: 'tool', tool_call_id: 'call_1', content: 'r' }, { role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }]),
      is400(/messages\[1\]\.tool_calls\[1\]: tool call "call_2" has no tool result/),
    );
  });
  test('a tool result that does not answer the turn right before → 400', () => {
    assert.throws(
      () => convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('call_1', 'f', '{}')] }, { role: 'tool', tool_call_id: 'call_1', content: 'r' }, { role: 'assistant', content: 'ok' }, { role: 'tool', tool_call_id: 'call_1', content: 'again' }]),
      is400(/messages\[4\]\.tool_call_id: "call_1" answers a tool call that is not in the assistant message right before it/),
    );
  });
  test('pairs checked across merged turns, many parallel calls, and a repeated id (named by its last call)', () => {
    const many = Array.from({ length: 40 }, (_, k) => call(`call_${k}`, 'f', '{}'));
    const results = (ids: string[]): Message[] => ids.map((id) => ({ role: 'tool', tool_call_id: id, content: 'r' }));
    const ok = convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: many }, ...results(many.map((c) => c.id).reverse())]);
    assert.equal(ok.messages[2]!.content.length, 40);
    assert.throws(
      () => convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: many }, ...results(many.slice(1).map((c) => c.id))]),
      is400(/messages\[1\]\.tool_calls\[0\]: tool call "call_0" has no tool result/),
    );
    assert.throws(
      () => convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: many }, ...results([...many.map((c) => c.id), 'call_x'])]),
      is400(/messages\[42\]\.tool_call_id: "call_x" answers a tool call/),
    );
    const twice = [call('call_d', 'f', '{}'), call('call_e', 'f', '{}'), call('call_d', 'f', '{}')];
    assert.throws(() => convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: twice }, ...results(['call_e'])]), is400(/messages\[1\]\.tool_calls\[2\]: tool call "call_d"/));
  });
  test('ids outside ^[a-zA-Z0-9_-]+$ are rewritten the same way on both sides', () => {
    assert.equal(anthropicToolId('call_abc-1'), 'call_abc-1');
    assert.equal(anthropicToolId('functions.get_weather:0'), 'functions_get_weather_0');
    const out = convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('fc|1.2', 'f', '{}')] }, { role: 'tool', tool_call_id: 'fc|1.2', content: 'r' }]);
    assert.equal((out.messages[1]!.content[0] as { id: string }).id, 'fc_1_2');
    assert.equal((out.messages[2]!.content[0] as { tool_use_id: string }).tool_use_id, 'fc_1_2');
  });
  test('cache_control on a tool message marks its tool_result', () => {
    const out = convert([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('c1', 'f', '{}')] }, { role: 'tool', tool_call_id: 'c1', content: 'big', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(out.messages[2]!.content[0], { type: 'tool_result', tool_use_id: 'c1', content: 'big', cache_control: { type: 'ephemeral' } });
  });
});

describe('reasoning_details → thinking blocks', () => {
  const assistant = {
    role: 'assistant' as const,
    content: 'Let me look.',
    reasoning: 'I should search.',
    reasoning_details: [
      { type: 'reasoning.text' as const, text: 'I should search.', signature: 'sig-1', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted' as const, data: 'opaque', format: 'anthropic-claude-v1', index: 1 },
    ],
    tool_calls: [call('toolu_1', 'f', '{}')],
  };
  const history: Message[] = [{ role: 'user', content: 'q' }, assistant, { role: 'tool', tool_call_id: 'toolu_1', content: 'r' }];
  test('placed first, unchanged, before text and tool_use, when thinking is on', () => {
    assert.deepEqual(convert(history, true).messages[1]!.content, [
      { type: 'thinking', thinking: 'I should search.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
    ]);
  });
  test('left out when thinking is off', () => {
    assert.deepEqual(convert(history, false).messages[1]!.content.map((b) => b.type), ['text', 'tool_use']);
  });
});
