/**
 * Multi-step tool use with thinking through Switchyard to Gemini, with the `openai` SDK: reasoning
 * → thinkingConfig; thought parts → reasoning + reasoning_details; each thoughtSignature comes
 * back to the client and, when the client replays the assistant message, goes back to Gemini on
 * the very part it came on (the fake only accepts signatures it issued, for that kind of part and
 * function). Clients that drop reasoning_details still work (Gemini's documented skip value).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming, ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { GEMINI_KEY, GEMINI_MODEL, SKIP_SIGNATURE, part, reply, streamReply } from '../fakes/gemini.js';
import { searchGutenbergBooks, searchGutenbergTool } from '../fixtures/books.js';
import { assistantMessage, fold, startKit, type Kit } from './gemini-kit.js';

const G = 'google-gemini-v1';
const bioTool: ChatCompletionTool = { type: 'function', function: { name: 'get_author_bio', parameters: { type: 'object', properties: { author: { type: 'string' } }, required: ['author'] } } };
const tools = [searchGutenbergTool as ChatCompletionTool, bioTool];
const callsOf = (r: ChatCompletion) => (r.choices[0]!.message.tool_calls ?? []) as ChatCompletionMessageFunctionToolCall[];
const question = (): ChatCompletionMessageParam[] => [{ role: 'user', content: 'Find Joyce books, then tell me about him.' }];

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

describe('multi-step loop with thinking, non-streaming', () => {
  test('signatures round-trip on the parts they came on, step after step', async () => {
    const t1 = part.thought('The user wants books first; search.', { signed: true });
    const c1 = part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true });
    kit.fake.enqueue(reply([t1, c1], { usage: { prompt: 30, candidates: 10, thoughts: 25 } }));
    const messages = question();
    const r1 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { max_tokens: 2048 } } as any);
    assert.deepEqual(kit.fake.last!.body.generationConfig, { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } });
    const m1 = r1.choices[0]!.message as any;
    const id1 = callsOf(r1)[0]!.id;
    assert.equal(r1.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(m1.reasoning, 'The user wants books first; search.');
    assert.deepEqual(m1.reasoning_details, [
      { type: 'reasoning.text', text: 'The user wants books first; search.', format: G, index: 0, signature: t1.thoughtSignature },
      { type: 'reasoning.encrypted', data: c1.thoughtSignature, id: id1, format: G, index: 1 },
    ]);
    assert.equal(r1.usage!.completion_tokens, 35);
    assert.equal(r1.usage!.completion_tokens_details!.reasoning_tokens, 25);

    // step 2: the app replays the message as it got it
    messages.push(m1, { role: 'tool', tool_call_id: id1, content: JSON.stringify(searchGutenbergBooks(['joyce'])) });
    const t2 = part.thought('Books found; now the bio.', { signed: true });
    const c2 = part.call('get_author_bio', { author: 'James Joyce' }, { signed: true });
    kit.fake.enqueue(reply([t2, c2]));
    const r2 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { max_tokens: 2048 } } as any);
    assert.deepEqual(kit.fake.last!.body.contents[1].parts, [
      { text: 'The user wants books first; search.', thought: true, thoughtSignature: t1.thoughtSignature },
      { functionCall: { id: id1, name: 'search_gutenberg_books', args: { search_terms: ['joyce'] } }, thoughtSignature: c1.thoughtSignature },
    ]);
    const id2 = callsOf(r2)[0]!.id;
    assert.notEqual(id2, id1);

    // step 3: both steps of the current turn carry their own signatures
    messages.push(r2.choices[0]!.message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: id2, content: 'Irish novelist, 1882–1941.' });
    const answer = part.text('Joyce (1882–1941) wrote Ulysses and Dubliners.', { signed: true });
    kit.fake.enqueue(reply([part.thought('Enough to answer.'), answer]));
    const r3 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { max_tokens: 2048 } } as any);
    const sent = kit.fake.last!.body.contents;
    assert.equal(sent.length, 5);
    assert.equal(sent[3].parts.at(-1).thoughtSignature, c2.thoughtSignature);
    assert.equal(r3.choices[0]!.finish_reason, 'stop');
    assert.equal(r3.choices[0]!.message.content, 'Joyce (1882–1941) wrote Ulysses and Dubliners.');
    assert.deepEqual((r3.choices[0]!.message as any).reasoning_details.at(-1), { type: 'reasoning.encrypted', data: answer.thoughtSignature, format: G, index: 1 });

    // a follow-up question: the signed answer text goes back signed
    messages.push(r3.choices[0]!.message as ChatCompletionMessageParam, { role: 'user', content: 'Thanks!' });
    kit.fake.enqueue(reply([part.text('You are welcome.')]));
    await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { max_tokens: 2048 } } as any);
    assert.deepEqual(kit.fake.last!.body.contents[5].parts, [{ text: 'Joyce (1882–1941) wrote Ulysses and Dubliners.', thoughtSignature: answer.thoughtSignature }]);
  });
});

describe('multi-step loop with thinking, streaming', () => {
  test('thought fragments, whole calls and their signatures survive a stream and the replay', async () => {
    const c1 = part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true });
    const sigThought = part.thought('', { signed: true }).thoughtSignature;
    kit.fake.enqueue(streamReply([[part.thought('Search ')], [part.thought('first.'), { text: '', thought: true, thoughtSignature: sigThought }], [c1]], { usage: { prompt: 30, candidates: 10, thoughts: 12 }, fragment: { random: 9 } }));
    const messages = question();
    const s1 = await fold(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, stream: true, reasoning: { effort: 'low' } } as ChatCompletionCreateParamsStreaming));
    assert.deepEqual(kit.fake.last!.body.generationConfig.thinkingConfig, { thinkingBudget: 2048, includeThoughts: true });
    assert.equal(s1.reasoning, 'Search first.');
    assert.equal(s1.finishReason, 'tool_calls');
    assert.deepEqual(s1.reasoningDetails, [
      { type: 'reasoning.text', text: 'Search first.', format: G, index: 0, signature: sigThought },
      { type: 'reasoning.encrypted', data: c1.thoughtSignature, id: s1.toolCalls[0]!.id, format: G, index: 1 },
    ]);
    assert.equal(s1.usage.completion_tokens_details.reasoning_tokens, 12);

    messages.push(assistantMessage(s1), { role: 'tool', tool_call_id: s1.toolCalls[0]!.id, content: '[]' });
    kit.fake.enqueue(streamReply([[part.text('Nothing found.')]]));
    const s2 = await fold(await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, stream: true, reasoning: { effort: 'low' } } as ChatCompletionCreateParamsStreaming));
    assert.equal(s2.content, 'Nothing found.');
    assert.deepEqual(kit.fake.last!.body.contents[1].parts, [
      { text: 'Search first.', thought: true, thoughtSignature: sigThought },
      { functionCall: { id: s1.toolCalls[0]!.id, name: 'search_gutenberg_books', args: { search_terms: ['joyce'] } }, thoughtSignature: c1.thoughtSignature },
    ]);
    assert.deepEqual(kit.fake.last!.body.contents[2].parts[0].functionResponse.response, { output: [] });
  });
});

describe('clients that lose the signatures', () => {
  test('reasoning_details dropped by the client → Gemini\'s skip value, the loop goes on', async () => {
    kit.fake.enqueue(reply([part.thought('search', { signed: true }), part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true })]));
    const messages = question();
    const r1 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'medium' } } as any);
    const call = callsOf(r1)[0]!;
    messages.push({ role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '[]' });
    kit.fake.enqueue(reply([part.text('none')]));
    const r2 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'medium' } } as any);
    assert.equal(r2.choices[0]!.message.content, 'none');
    assert.equal(kit.fake.last!.body.contents[1].parts[0].thoughtSignature, SKIP_SIGNATURE);
  });

  test('reasoning.exclude hides the thoughts (and with them the signatures); the loop still works', async () => {
    kit.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true })], { usage: { thoughts: 40 } }));
    const messages = question();
    const r1 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'high', exclude: true } } as any);
    assert.deepEqual(kit.fake.last!.body.generationConfig.thinkingConfig, { thinkingBudget: 16384 });
    const m1 = r1.choices[0]!.message as any;
    assert.equal(m1.reasoning, null);
    assert.equal(m1.reasoning_details, undefined);
    assert.equal(r1.usage!.completion_tokens_details!.reasoning_tokens, 40, 'still counted');
    messages.push(m1, { role: 'tool', tool_call_id: callsOf(r1)[0]!.id, content: '[]' });
    kit.fake.enqueue(reply([part.text('none')]));
    await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'high', exclude: true } } as any);
    assert.equal(kit.fake.last!.body.contents[1].parts[0].thoughtSignature, SKIP_SIGNATURE);
  });

  test('a tampered signature reaches Gemini unchanged and its 400 comes back in OpenRouter\'s shape', async () => {
    kit.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true })]));
    const messages = question();
    const r1 = await kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'low' } } as any);
    const m1 = r1.choices[0]!.message as any;
    m1.reasoning_details[0].data = Buffer.from('forged').toString('base64');
    messages.push(m1, { role: 'tool', tool_call_id: callsOf(r1)[0]!.id, content: '[]' });
    await assert.rejects(kit.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'low' } } as any), (e: any) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /INVALID_ARGUMENT: Corrupted thought signature/);
      assert.equal(e.error.metadata.provider_name, 'gem');
      return true;
    });
  });

  test('the fake itself rejects a current-turn call without a signature while thinking is on (as Gemini does)', async () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'q' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 1 } } }] },
      ],
      generationConfig: { thinkingConfig: { thinkingBudget: 1024 } },
    };
    const res = await fetch(`${kit.fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': GEMINI_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error.message, /Function call is missing a thought_signature/);
  });
});

describe('Gemini 3 models', () => {
  let g3: Kit;
  before(async () => {
    g3 = await startKit({ alwaysThinking: true }, { upstreamModel: 'gemini-3-pro-preview' });
  });
  after(() => g3.close());

  test('effort → thinkingLevel; signatures are filled in even when the request says nothing about reasoning', async () => {
    g3.fake.enqueue(reply([part.call('search_gutenberg_books', { search_terms: ['joyce'] }, { signed: true })]));
    const messages = question();
    const r1 = await g3.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, reasoning: { effort: 'high' } } as any);
    assert.deepEqual(g3.fake.last!.body.generationConfig.thinkingConfig, { thinkingLevel: 'HIGH', includeThoughts: true });
    const call = callsOf(r1)[0]!;
    messages.push({ role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '[]' });
    g3.fake.enqueue(reply([part.text('none')]));
    const r2 = await g3.client.chat.completions.create({ model: GEMINI_MODEL, messages, tools });
    assert.equal(r2.choices[0]!.message.content, 'none');
    assert.equal(g3.fake.last!.body.contents[1].parts[0].thoughtSignature, SKIP_SIGNATURE);
  });
});
