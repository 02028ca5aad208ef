import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateChatRequest } from '../../schema/validate.js';
import { buildOllamaBody, buildOllamaRequest } from './request.js';
import { ctx } from './test-context.js';

const TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const body = (b: Record<string, unknown>) => buildOllamaBody(validateChatRequest({ model: 'x', ...b }), ctx) as any;

describe('ollama request', () => {
  test('POST {base_url}/api/chat with stream explicit (Ollama streams by default)', () => {
    const r = buildOllamaRequest(validateChatRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }), ctx);
    assert.equal(r.url, 'http://127.0.0.1:11434/api/chat');
    assert.equal(JSON.parse(r.body as string).stream, false);
    assert.equal(body({ messages: [{ role: 'user', content: 'hi' }], stream: true }).stream, true);
  });

  test('history: arguments become objects, tool results get tool_name from the call they answer', () => {
    const b = body({
      tools: [TOOL, { type: 'function', function: { name: 'other' } }],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'c2', type: 'function', function: { name: 'other', arguments: '' } },
        ] },
        { role: 'tool', tool_call_id: 'c2', content: 'two' },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '{"temp":3}' }] },
      ],
    });
    assert.deepEqual(b.messages[1], { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }, { function: { name: 'other', arguments: {} } }] });
    assert.deepEqual(b.messages[2], { role: 'tool', content: 'two', tool_name: 'other' });
    assert.deepEqual(b.messages[3], { role: 'tool', content: '{"temp":3}', tool_name: 'get_weather' });
    assert.deepEqual(b.tools[0], { type: 'function', function: TOOL.function });
    assert.deepEqual(b.tools[1].function.parameters, { type: 'object', properties: {} });
  });

  test('broken history arguments are kept visible as {_raw}, not a failure', () => {
    const b = body({ tools: [TOOL], messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] }, { role: 'tool', tool_call_id: 'c', content: 'x' }] });
    assert.deepEqual(b.messages[1].tool_calls[0].function.arguments, { _raw: '{"city":' });
  });

  test('sampling parameters go under options; max_tokens → num_predict', () => {
    const b = body({ messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, top_p: 0.9, top_k: 40, seed: 7, stop: 'END', max_tokens: 99, repetition_penalty: 1.1 });
    assert.deepEqual(b.options, { temperature: 0.2, top_p: 0.9, top_k: 40, seed: 7, repeat_penalty: 1.1, num_predict: 99, stop: ['END'] });
    for (const k of ['temperature', 'max_tokens', 'stop']) assert.equal(k in b, false);
  });

  test('reasoning → think (true, a level, or false)', () => {
    const m = [{ role: 'user', content: 'hi' }];
    assert.equal(body({ messages: m }).think, undefined);
    assert.equal(body({ messages: m, reasoning: { max_tokens: 1000 } }).think, true);
    assert.equal(body({ messages: m, reasoning: { effort: 'high' } }).think, 'high');
    assert.equal(body({ messages: m, reasoning_effort: 'minimal' }).think, 'low');
    assert.equal(body({ messages: m, reasoning: { effort: 'none' } }).think, false);
  });

  test('assistant reasoning in the history goes back as thinking', () => {
    const b = body({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b', reasoning_details: [{ type: 'reasoning.text', text: 'hmm', format: 'unknown' }] }, { role: 'user', content: 'c' }] });
    assert.equal(b.messages[1].thinking, 'hmm');
  });

  test('tool_choice: none drops the tools, named keeps only that tool and says so, required says so', () => {
    const m = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }];
    const tools = [TOOL, { type: 'function', function: { name: 'other' } }];
    assert.equal(body({ messages: m, tools, tool_choice: 'none' }).tools, undefined);
    const named = body({ messages: m, tools, tool_choice: { type: 'function', function: { name: 'other' } } });
    assert.deepEqual(named.tools.map((t: any) => t.function.name), ['other']);
    assert.equal(named.messages[0].content, 'Be brief.\n\nYou must call the tool "other" in your reply.');
    const req = body({ messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: 'required' });
    assert.deepEqual(req.messages[0], { role: 'system', content: 'You must call one of the provided tools in your reply.' });
    assert.equal(body({ messages: m, tools }).messages[0].content, 'Be brief.');
  });

  test('images: data URLs become base64; remote URLs are a clear 400', () => {
    const b = body({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } }] }] });
    assert.deepEqual(b.messages[0], { role: 'user', content: 'what is this', images: ['iVBORw0K'] });
    assert.throws(() => body({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }), (e: any) => e.status === 400 && /data: URL/.test(e.message));
  });

  test('response_format → format', () => {
    const m = [{ role: 'user', content: 'hi' }];
    assert.equal(body({ messages: m, response_format: { type: 'json_object' } }).format, 'json');
    assert.deepEqual(body({ messages: m, response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } } }).format, { type: 'object' });
  });
});
