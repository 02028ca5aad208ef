/**
 * The seed's tool-calling flow through Switchyard to a Gemini upstream (the strict wire fake),
 * driven by the official `openai` SDK unchanged: tools → tool_calls → tool result → answer, JSON
 * and streaming; parallel calls; the same function called twice in one turn; every tool_choice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatCompletion, ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { GEMINI_KEY, GEMINI_MODEL, part, reply, streamReply } from '../fakes/gemini.js';
import { SEED_QUESTION, SEED_SYSTEM, searchGutenbergBooks, searchGutenbergTool } from '../fixtures/books.js';
import { assistantMessage, fold, startKit, type Kit } from './gemini-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const bioTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_author_bio', description: 'A short biography', parameters: { type: 'object', properties: { author: { type: 'string' } }, required: ['author'], additionalProperties: false } },
};
const tools = [searchGutenbergTool] as ChatCompletionTool[];
const seed = (): ChatCompletionMessageParam[] => [
  { role: 'system', content: SEED_SYSTEM },
  { role: 'user', content: SEED_QUESTION },
];
/** The function tool calls of a response (the SDK types also allow custom tools). */
const callsOf = (r: ChatCompletion) => (r.choices[0]!.message.tool_calls ?? []) as ChatCompletionMessageFunctionToolCall[];
const runSearch = (args: string) => JSON.stringify(searchGutenbergBooks(JSON.parse(args).search_terms));

describe('seed book-search flow, non-streaming', () => {
  test('tool call → tool result → answer', async () => {
    kit.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['james', 'joyce'] })], { usage: { prompt: 40, candidates: 12 } }));
    const messages = seed();
    const first = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal((choice as any).native_finish_reason, 'STOP');
    assert.equal(choice.message.content, null);
    assert.equal(callsOf(first).length, 1);
    const call = callsOf(first)[0]!;
    assert.match(call.id, /^call_[A-Za-z0-9]{12}_0$/);
    assert.deepEqual(call.function, { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' });
    assert.equal(first.usage!.prompt_tokens, 40);
    assert.equal(first.usage!.completion_tokens, 12);
    assert.equal((first as any).provider, 'gem');

    const sent = kit.fake.last!;
    assert.equal(sent.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(sent.headers['x-goog-api-key'], GEMINI_KEY);
    assert.equal(sent.headers.authorization, undefined, 'the client key never reaches Google');
    assert.deepEqual(sent.body.systemInstruction, { parts: [{ text: SEED_SYSTEM }] });
    assert.deepEqual(sent.body.contents, [{ role: 'user', parts: [{ text: SEED_QUESTION }] }]);
    assert.deepEqual(sent.body.tools, [{
      functionDeclarations: [{
        name: 'search_gutenberg_books',
        description: searchGutenbergTool.function.description,
        parameters: { type: 'OBJECT', properties: { search_terms: { type: 'ARRAY', items: { type: 'STRING' }, description: searchGutenbergTool.function.parameters.properties.search_terms.description } }, required: ['search_terms'] },
      }],
    }]);

    messages.push(choice.message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: runSearch(call.function.arguments) });
    kit.fake.enqueue(reply([part.text('Some James Joyce books: Ulysses, Dubliners and A Portrait of the Artist as a Young Man.')]));
    const second = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    assert.match(second.choices[0]!.message.content!, /Ulysses/);

    const contents = kit.fake.last!.body.contents;
    assert.deepEqual(contents[1], { role: 'model', parts: [{ functionCall: { id: call.id, name: 'search_gutenberg_books', args: { search_terms: ['james', 'joyce'] } } }] });
    assert.equal(contents[2].role, 'user');
    assert.deepEqual(contents[2].parts[0].functionResponse.name, 'search_gutenberg_books');
    assert.deepEqual(contents[2].parts[0].functionResponse.response, { output: searchGutenbergBooks(['james', 'joyce']) });
  });
});

describe('seed book-search flow, streaming', () => {
  test('tool call streamed as one start + whole arguments, then the streamed answer', async () => {
    kit.fake.enqueue(streamReply([[part.call('search_gutenberg_books', { search_terms: ['joyce'] })]], { usage: { prompt: 40, candidates: 9 } }));
    const messages = seed();
    const s1 = await fold(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, stream: true }));
    assert.equal(kit.fake.last!.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(s1.finishReason, 'tool_calls');
    assert.equal(s1.nativeFinishReason, 'STOP');
    assert.equal(s1.toolCalls.length, 1);
    assert.deepEqual(s1.toolCalls[0]!.function, { name: 'search_gutenberg_books', arguments: '{"search_terms":["joyce"]}' });
    assert.equal(s1.usage.prompt_tokens, 40);
    assert.equal(s1.usage.completion_tokens, 9);

    messages.push(assistantMessage(s1), { role: 'tool', tool_call_id: s1.toolCalls[0]!.id, content: runSearch(s1.toolCalls[0]!.function.arguments) });
    kit.fake.enqueue(streamReply([[part.text('Joyce wrote ')], [part.text('Ulysses and ')], [part.text('Dubliners — “classics”.')]], { fragment: 'byte' }));
    const s2 = await fold(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, stream: true }));
    assert.equal(s2.content, 'Joyce wrote Ulysses and Dubliners — “classics”.');
    assert.equal(s2.finishReason, 'stop');
    assert.equal(kit.fake.last!.body.contents[2].parts[0].functionResponse.name, 'search_gutenberg_books');
  });
});

describe('several calls in one turn', () => {
  for (const stream of [false, true]) {
    test(`parallel calls to two functions (${stream ? 'stream' : 'json'}): indexes and ids stable, both results in one turn`, async () => {
      const parts = [part.call('search_gutenberg_books', { search_terms: ['austen'] }), part.call('get_author_bio', { author: 'Jane Austen' })];
      kit.fake.enqueue(stream ? streamReply([[parts[0]!], [parts[1]!]]) : reply(parts));
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Austen books and bio?' }];
      const t = [...tools, bioTool];
      const calls = stream
        ? (await fold(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools: t, stream: true }))).toolCalls
        : callsOf(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools: t }));
      assert.deepEqual(calls.map((c) => c.function.name), ['search_gutenberg_books', 'get_author_bio']);
      assert.equal(new Set(calls.map((c) => c.id)).size, 2);
      messages.push(
        { role: 'assistant', content: null, tool_calls: calls as any },
        // results in the opposite order: names come from the ids, and Gemini gets them in call order
        { role: 'tool', tool_call_id: calls[1]!.id, content: 'Jane Austen (1775–1817) was an English novelist.' },
        { role: 'tool', tool_call_id: calls[0]!.id, content: runSearch(calls[0]!.function.arguments) },
      );
      kit.fake.enqueue(reply([part.text('Pride and Prejudice, Emma; she was English.')]));
      const final = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools: t });
      assert.equal(final.choices[0]!.finish_reason, 'stop');
      const contents = kit.fake.last!.body.contents;
      assert.equal(contents.length, 3);
      assert.deepEqual(contents[2].parts.map((p: any) => [p.functionResponse.id, p.functionResponse.name]), [[calls[0]!.id, 'search_gutenberg_books'], [calls[1]!.id, 'get_author_bio']]);
      assert.deepEqual(contents[2].parts[1].functionResponse.response, { output: 'Jane Austen (1775–1817) was an English novelist.' });
    });
  }

  test('the same function twice in one turn: distinct ids, each result back under its own id', async () => {
    kit.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['joyce'] }), part.call('search_gutenberg_books', { search_terms: ['austen'] })]));
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Joyce and Austen books?' }];
    const first = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    const calls = callsOf(first);
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0]!.id, calls[1]!.id);
    messages.push(first.choices[0]!.message as ChatCompletionMessageParam);
    for (const c of calls) messages.push({ role: 'tool', tool_call_id: c.id, content: runSearch(c.function.arguments) });
    kit.fake.enqueue(reply([part.text('Ulysses; Emma.')]));
    await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    const sent = kit.fake.last!.body.contents;
    assert.deepEqual(sent[1].parts.map((p: any) => p.functionCall.id), calls.map((c) => c.id));
    assert.deepEqual(sent[2].parts.map((p: any) => [p.functionResponse.id, p.functionResponse.response.output.length]), [[calls[0]!.id, searchGutenbergBooks(['joyce']).length], [calls[1]!.id, searchGutenbergBooks(['austen']).length]]);

    // a later turn's calls get new ids: unique across the conversation
    kit.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['melville'] })]));
    messages.push({ role: 'assistant', content: 'Ulysses; Emma.' }, { role: 'user', content: 'And Melville?' });
    const third = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    assert.ok(!calls.some((c) => c.id === callsOf(third)[0]!.id));
  });
});

describe('tool_choice', () => {
  const cases: [any, unknown][] = [
    ['none', { mode: 'NONE' }],
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'get_author_bio' } }, { mode: 'ANY', allowedFunctionNames: ['get_author_bio'] }],
  ];
  for (const [choice, config] of cases) {
    test(`${JSON.stringify(choice)} → functionCallingConfig ${JSON.stringify(config)}`, async () => {
      kit.fake.enqueue(choice === 'none' ? reply([part.text('No tools needed.')]) : reply([part.call('get_author_bio', { author: 'Joyce' })]));
      const res = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages: [{ role: 'user', content: 'Who was Joyce?' }], tools: [...tools, bioTool], tool_choice: choice });
      const sent = kit.fake.last!.body;
      assert.deepEqual(sent.toolConfig, { functionCallingConfig: config });
      assert.equal(sent.tools[0].functionDeclarations.length, 2, 'declarations stay, even with NONE');
      assert.equal(res.choices[0]!.finish_reason, choice === 'none' ? 'stop' : 'tool_calls');
    });
  }
  test('no tool_choice → no toolConfig (Gemini defaults to AUTO)', async () => {
    kit.fake.enqueue(reply([part.text('hi')]));
    await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages: [{ role: 'user', content: 'hi' }], tools });
    assert.equal(kit.fake.last!.body.toolConfig, undefined);
  });
});
