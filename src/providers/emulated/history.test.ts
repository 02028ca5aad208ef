import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateChatRequest } from '../../schema/validate.js';
import { CHOICE_LINES } from './format.js';
import { textOnlyRequest } from './history.js';

const TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('emulated tools: prompt rendering', () => {
  test('tools and tool_choice go into the system prompt; no tool fields remain', () => {
    const req = textOnlyRequest(validateChatRequest({ model: 'x', tools: [TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Oslo?' }] }));
    assert.equal(req.tools, undefined);
    assert.equal(req.toolChoice, undefined);
    for (const k of ['tools', 'tool_choice', 'parallel_tool_calls']) assert.equal(k in req.body, false, k);
    const system = req.messages[0]!.content as string;
    assert.ok(system.startsWith('Be brief.\n\n# Tools'));
    assert.ok(system.includes('{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}'));
    assert.ok(system.includes(CHOICE_LINES.function('get_weather')));
    assert.ok(system.includes(CHOICE_LINES.single));
    assert.deepEqual(req.messages[1], { role: 'user', content: 'Oslo?' });
  });

  test('history: calls become <tool_call> text, a run of results one user turn of <tool_response> blocks', () => {
    const req = textOnlyRequest(validateChatRequest({
      model: 'x',
      tools: [TOOL],
      messages: [
        { role: 'user', content: 'Oslo and Rome?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [
          { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ] },
        { role: 'tool', tool_call_id: 'a', content: '{"t":3}' },
        { role: 'tool', tool_call_id: 'b', content: '{"t":20}' },
      ],
    }));
    assert.equal(req.messages[0]!.role, 'system');
    assert.deepEqual(req.messages[2], {
      role: 'assistant',
      content: 'Checking.\n<tool_call>\n{"name":"get_weather","arguments":{"city":"Oslo"}}\n</tool_call>\n<tool_call>\n{"name":"get_weather","arguments":{"city":"Rome"}}\n</tool_call>',
    });
    assert.deepEqual(req.messages[3], { role: 'user', content: '<tool_response name="get_weather">\n{"t":3}\n</tool_response>\n<tool_response name="get_weather">\n{"t":20}\n</tool_response>' });
    assert.equal(req.messages.length, 4);
  });
});
