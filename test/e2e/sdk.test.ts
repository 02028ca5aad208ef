/**
 * switchyard/sdk's runTools against a real gateway over a wire-level fake OpenAI upstream:
 * parallel and sequential calls, a tool that throws, invalid arguments fed back to the model,
 * unknown tools, maxSteps, abort, streaming events, reasoning details kept across steps.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Switchyard, SwitchyardError, type RunToolsEvent, type Tool } from '../../src/sdk/index.js';
import type { FakeServer, RecordedRequest } from '../fakes/harness.js';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';

const MODEL = 'openai/gpt-4o-mini';
let fake: FakeServer;
let gw: TestGateway;
let sy: Switchyard;
/** Bodies the SDK sent to the gateway (public format, before any translation). */
let sent: any[] = [];

before(async () => {
  fake = await startFakeOpenAI();
  gw = await startGateway(openaiConfig(fake.url), {});
  sy = new Switchyard({
    baseURL: gw.baseURL,
    apiKey: 'test',
    fetch: async (url, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body));
      return fetch(url, init);
    },
  });
});
after(async () => {
  await gw.close();
  await fake.stop();
});
beforeEach(() => {
  sent = [];
  fake.requests.length = 0;
});

const call = (id: string, name: string, args: unknown) => ({ id, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
const toolMessages = (r: RecordedRequest) => r.body.messages.filter((m: any) => m.role === 'tool');
const question = [{ role: 'user' as const, content: 'Find books by Joyce and by Austen.' }];

const search = (log: string[] = []): Tool<{ author: string }> => ({
  name: 'search',
  description: 'Search books by author',
  parameters: { type: 'object', properties: { author: { type: 'string' } }, required: ['author'], additionalProperties: false },
  async run({ author }) {
    log.push(`start ${author}`);
    await new Promise((r) => setTimeout(r, author === 'joyce' ? 30 : 5));
    log.push(`end ${author}`);
    return [{ title: `${author} book` }];
  },
});

describe('runTools', () => {
  test('parallel calls of one turn run concurrently; results go back in call order; usage and cost summed', async () => {
    fake.enqueue(
      completion({ tool_calls: [call('call_a', 'search', { author: 'joyce' }), call('call_b', 'search', { author: 'austen' })] }),
      completion({ content: 'Ulysses and Emma.' }),
    );
    const log: string[] = [];
    const run = await sy.runTools({ model: MODEL, messages: question, tools: [search(log)] });
    assert.deepEqual(log, ['start joyce', 'start austen', 'end austen', 'end joyce']);
    assert.equal(run.text, 'Ulysses and Emma.');
    assert.equal(run.stoppedBy, 'stop');
    assert.equal(run.steps.length, 2);
    assert.deepEqual(run.steps[0]!.toolCalls.map((c) => [c.id, c.content]), [['call_a', '[{"title":"joyce book"}]'], ['call_b', '[{"title":"austen book"}]']]);
    const second = fake.requests[1]!;
    assert.deepEqual(toolMessages(second).map((m: any) => m.tool_call_id), ['call_a', 'call_b']);
    assert.equal(second.body.tools[0].function.name, 'search', 'tools are sent on every step');
    assert.deepEqual(run.messages.map((m) => m.role), ['user', 'assistant', 'tool', 'tool', 'assistant']);
    assert.equal(run.usage.prompt_tokens, 24);
    assert.equal(run.usage.completion_tokens, 18);
    assert.equal(run.usage.cost, Math.round(2 * (12 * 0.00000015 + 9 * 0.0000006) * 1e12) / 1e12);
  });

  test('parallelToolCalls: false runs calls one after another, in order, and says so upstream', async () => {
    fake.enqueue(
      completion({ tool_calls: [call('call_a', 'search', { author: 'joyce' }), call('call_b', 'search', { author: 'austen' })] }),
      completion({ content: 'done' }),
    );
    const log: string[] = [];
    await sy.runTools({ model: MODEL, messages: question, tools: [search(log)], parallelToolCalls: false });
    assert.deepEqual(log, ['start joyce', 'end joyce', 'start austen', 'end austen']);
    assert.equal(fake.requests[0]!.body.parallel_tool_calls, false);
  });

  test('a tool that throws and invalid arguments are sent back as tool results; the model recovers', async () => {
    fake.enqueue(
      completion({ tool_calls: [call('call_1', 'search', { author: 42 }), call('call_2', 'explode', {}), call('call_3', 'nope', {}), call('call_4', 'search', '{"author":')] }),
      completion({ tool_calls: [call('call_5', 'search', { author: 'joyce' })] }),
      completion({ content: 'Ulysses.' }),
    );
    let searched = 0;
    const explode: Tool = { name: 'explode', parameters: { type: 'object' }, run: () => { throw new Error('boom'); } };
    const run = await sy.runTools({
      model: MODEL,
      messages: question,
      tools: [{ ...search(), run: async (a) => { searched++; return search().run(a, undefined as never); } }, explode],
    });
    assert.equal(run.text, 'Ulysses.');
    assert.equal(searched, 1, 'the tool never ran with invalid arguments');
    const results = toolMessages(fake.requests[1]!).map((m: any) => JSON.parse(m.content).error);
    assert.match(results[0], /invalid arguments for tool search: author must be string/);
    assert.equal(results[1], 'tool explode failed: boom');
    assert.match(results[2], /unknown tool "nope"/);
    assert.match(results[3], /not valid JSON/);
    assert.equal(run.steps[0]!.toolCalls[0]!.args, undefined);
    assert.equal(run.steps[0]!.toolCalls[1]!.error, 'tool explode failed: boom');
  });

  test('maxSteps: stops after that many requests, tools of the last step run', async () => {
    const looping = () => completion({ tool_calls: [call(`call_${Math.random().toString(36).slice(2, 8)}`, 'search', { author: 'joyce' })] });
    fake.enqueue(looping(), looping(), looping());
    const run = await sy.runTools({ model: MODEL, messages: question, tools: [search()], maxSteps: 3 });
    assert.equal(fake.requests.length, 3);
    assert.equal(run.stoppedBy, 'max_steps');
    assert.equal(run.steps.length, 3);
    assert.equal(run.messages.at(-1)!.role, 'tool');
    fake.requests.length = 0;
    await assert.rejects(sy.runTools({ model: MODEL, messages: question, tools: [search()], maxSteps: 0 }), RangeError);
  });

  test('a forcing toolChoice applies to the first step only', async () => {
    fake.enqueue(completion({ tool_calls: [call('call_1', 'search', { author: 'joyce' })] }), completion({ content: 'ok' }));
    await sy.runTools({ model: MODEL, messages: question, tools: [search()], toolChoice: 'required' });
    assert.equal(fake.requests[0]!.body.tool_choice, 'required');
    assert.equal(fake.requests[1]!.body.tool_choice, 'auto');
  });

  test('abort during a tool run rejects with the abort reason and sends nothing more', async () => {
    fake.enqueue(completion({ tool_calls: [call('call_1', 'slow', {})] }));
    const ac = new AbortController();
    const slow: Tool = {
      name: 'slow',
      run: (_a, ctx) => new Promise((_r, reject) => {
        ctx.signal!.addEventListener('abort', () => reject(ctx.signal!.reason));
        ac.abort(new Error('user cancelled'));
      }),
    };
    await assert.rejects(sy.runTools({ model: MODEL, messages: question, tools: [slow], signal: ac.signal }), /user cancelled/);
    assert.equal(fake.requests.length, 1);
  });

  test('abort during a request cancels the HTTP request', async () => {
    fake.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const p = sy.runTools({ model: MODEL, messages: question, tools: [search()], signal: ac.signal, onEvent: (e) => e.type === 'step_start' && setTimeout(() => ac.abort(), 20) });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  });

  test('gateway errors surface as SwitchyardError with the status', async () => {
    await assert.rejects(sy.runTools({ model: 'no/such-model', messages: question, tools: [search()] }), (e: unknown) => e instanceof SwitchyardError && e.status === 404);
  });

  test('an invalid tool schema fails before any request', async () => {
    await assert.rejects(sy.runTools({ model: MODEL, messages: question, tools: [{ name: 'bad', parameters: { type: 'object', properties: { x: { type: 'nonsense' } } }, run: () => 1 }] }), /tool "bad": invalid parameters schema/);
    assert.equal(fake.requests.length, 0);
  });
});

describe('runTools, streaming', () => {
  test('emits reasoning, text and tool-call events as they arrive, then results and steps', async () => {
    fake.enqueue(
      stream(streamFrames({ toolCalls: [{ id: 'call_s', name: 'search', args: ['{"auth', 'or":"joyce"}'] }] }), { fragment: { random: 9 } }),
      stream(streamFrames({ text: ['Ulys', 'ses.'] })),
    );
    const events: RunToolsEvent[] = [];
    const run = await sy.runTools({ model: MODEL, messages: question, tools: [search()], stream: true, onEvent: (e) => events.push(e) });
    const kinds = events.map((e) => (e.type === 'tool_call_delta' ? `delta:${e.arguments}` : e.type === 'text' ? `text:${e.text}` : e.type));
    assert.deepEqual(kinds, [
      'step_start', 'tool_call_start', 'delta:{"auth', 'delta:or":"joyce"}', 'tool_call', 'tool_result', 'step_finish',
      'step_start', 'text:Ulys', 'text:ses.', 'step_finish',
    ]);
    assert.equal(run.text, 'Ulysses.');
    assert.deepEqual(run.steps[0]!.message.tool_calls, [{ id: 'call_s', type: 'function', function: { name: 'search', arguments: '{"author":"joyce"}' } }]);
    assert.equal(run.usage.total_tokens, 42, 'usage comes from the final usage chunk of each stream');
    assert.equal(sent[0].stream, true);
  });

  test('a mid-stream error chunk rejects with a SwitchyardError', async () => {
    fake.enqueue(stream(streamFrames({ text: ['partial'] }).slice(0, 2), { resetAfterFrames: 2 }));
    await assert.rejects(sy.runTools({ model: MODEL, messages: question, tools: [search()], stream: true }), (e: unknown) => e instanceof SwitchyardError && e.status === 502);
  });
});

describe('reasoning preserved across steps', () => {
  const reasoned = (reasoning: string) => {
    const r = completion({ tool_calls: [call('call_r', 'search', { author: 'joyce' })] });
    (r as any).body.choices[0].message.reasoning = reasoning;
    return r;
  };

  test('non-streaming: the assistant message goes back with its reasoning_details', async () => {
    fake.enqueue(reasoned('The user wants Joyce.'), completion({ content: 'ok' }));
    const run = await sy.runTools({ model: MODEL, messages: question, tools: [search()], reasoning: { effort: 'high' } });
    const assistant = sent[1].messages[1];
    assert.equal(assistant.role, 'assistant');
    assert.deepEqual(assistant.reasoning_details, [{ type: 'reasoning.text', text: 'The user wants Joyce.', format: 'unknown', index: 0 }]);
    assert.deepEqual(run.messages[1], assistant);
    assert.deepEqual(sent[1].reasoning, { effort: 'high' });
    assert.equal(fake.requests[0]!.body.reasoning_effort, 'high');
  });

  test('streaming: reasoning pieces are merged into one detail per index', async () => {
    const frames = streamFrames({ toolCalls: [{ id: 'call_r', name: 'search', args: ['{"author":"joyce"}'] }] });
    const base = JSON.parse(frames[0]!.slice(6));
    const piece = (text: string) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { reasoning: text }, finish_reason: null }] })}\n\n`;
    frames.splice(1, 0, piece('The user '), piece('wants Joyce.'));
    fake.enqueue(stream(frames), stream(streamFrames({ text: ['ok'] })));
    const events: RunToolsEvent[] = [];
    await sy.runTools({ model: MODEL, messages: question, tools: [search()], stream: true, onEvent: (e) => events.push(e) });
    assert.deepEqual(events.filter((e) => e.type === 'reasoning').map((e) => (e as { text: string }).text), ['The user ', 'wants Joyce.']);
    assert.deepEqual(sent[1].messages[1].reasoning_details, [{ type: 'reasoning.text', text: 'The user wants Joyce.', format: 'unknown', index: 0 }]);
    assert.equal(sent[1].messages[1].reasoning, 'The user wants Joyce.');
  });
});

describe('client', () => {
  test('models.list filters by supported parameters', async () => {
    const all = await sy.models.list();
    assert.ok(all.data.some((m) => m.id === MODEL));
    const none = await sy.models.list({ supportedParameters: ['tools', 'no_such_param'] });
    assert.deepEqual(none.data, []);
  });

  test('chat.completions.create streams chunks through an async iterator', async () => {
    fake.enqueue(stream(streamFrames({ text: ['a', 'b'] }), { fragment: 'byte' }));
    const s = await sy.chat.completions.create({ model: MODEL, messages: question, stream: true });
    assert.match(s.generationId ?? '', /^gen-/);
    let text = '';
    let usage;
    for await (const c of s) {
      text += c.choices[0]?.delta.content ?? '';
      usage ??= c.usage;
    }
    assert.equal(text, 'ab');
    assert.equal(usage?.total_tokens, 21);
  });
});

describe('reasoning preserved across steps, enforced by the Anthropic fake (signed thinking blocks)', () => {
  test('streaming and not: the thinking block goes back unchanged, or the fake rejects the turn', async () => {
    const { answer: anthropicAnswer, anthropicConfig, ANTHROPIC_MODEL, startFakeAnthropic } = await import('../fakes/anthropic.js');
    const claude = await startFakeAnthropic({
      fallback: (req) => {
        const last = req.body.messages.at(-1);
        const done = Array.isArray(last.content) && last.content.some((b: { type: string }) => b.type === 'tool_result');
        return anthropicAnswer(
          done
            ? [{ type: 'thinking', thinking: 'Three results; list them.' }, { type: 'text', text: 'Ulysses, Dubliners, A Portrait.' }]
            : [{ type: 'thinking', thinking: 'The user wants Joyce; search.' }, { type: 'tool_use', id: 'toolu_think1', name: 'search', input: { author: 'joyce' } }],
          { chunk: 6 },
        )(req);
      },
    });
    const agw = await startGateway(anthropicConfig(claude.url), {});
    try {
      const asy = new Switchyard({ baseURL: agw.baseURL });
      for (const streamed of [false, true]) {
        claude.requests.length = 0;
        const run = await asy.runTools({ model: ANTHROPIC_MODEL, messages: question, tools: [search()], reasoning: { max_tokens: 2048 }, stream: streamed });
        assert.equal(run.text, 'Ulysses, Dubliners, A Portrait.', `streamed: ${streamed}`);
        const details = (run.messages[1] as { reasoning_details?: { type: string; text?: string; signature?: string }[] }).reasoning_details!;
        assert.equal(details[0]!.text, 'The user wants Joyce; search.');
        assert.ok(details[0]!.signature, 'signature kept');
        const echoed = claude.requests[1]!.body.messages[1].content[0];
        assert.deepEqual({ type: echoed.type, thinking: echoed.thinking }, { type: 'thinking', thinking: 'The user wants Joyce; search.' });
        assert.equal(echoed.signature, details[0]!.signature);
        assert.ok(run.usage.total_tokens > 0);
      }
    } finally {
      await agw.close();
      await claude.stop();
    }
  });
});
