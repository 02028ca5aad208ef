/**
 * The shared provider conformance suite. Every provider adapter runs the same end-to-end checks:
 * a real gateway (test/helpers/gateway.ts) in front of the provider's wire-level fake, driven by
 * the official `openai` SDK, unchanged.
 *
 * ADDING A PROVIDER = one small file `test/conformance/<provider>.test.ts`:
 *
 *   import { runConformance, type ProviderKit } from './suite.js';
 *   const kit: ProviderKit = { ... };
 *   runConformance(kit);
 *
 * THE KIT (everything the suite needs to know about a provider, in its native terms):
 *
 *   name          provider key in the gateway config; clients see it as `provider` and in
 *                 `error.metadata.provider_name`.
 *   model         the upstream model id the endpoint uses.
 *   startFake()   starts the provider's wire-level fake (a FakeServer from test/fakes/harness.ts
 *                 whose `validate` rejects what the real API rejects). One per test.
 *   provider(url) the provider config block (`providers.<name>`) pointing at the fake's url.
 *   endpoint?     extra endpoint fields (supported_parameters, flags like `tools: emulated`).
 *
 *   reply(answer, {stream, fragment})  a native reply (harness `Reply`) for a neutral `Answer`:
 *                 text, reasoning, tool calls (id, name, arguments JSON, and `fragments`: the
 *                 argument JSON cut into the pieces a stream should deliver). When `stream` is
 *                 true, return a `kind:'stream'` reply in the provider's streaming wire format
 *                 with `fragment` applied (so the bytes reach the gateway cut byte-by-byte or at
 *                 random places). Providers that mint their own ids or have none may ignore
 *                 the suggested ids (set `ids: 'synthesized'`).
 *   error(status, message)             the provider's native error reply for an HTTP status.
 *   streamError?(text, message)        optional: a stream that sends `text`, then fails in the
 *                                      provider's in-stream error form (exception frame, error
 *                                      event) with `message`.
 *
 *   inspect       readers of the NATIVE request the fake received (RecordedRequest):
 *     stream(req)          did the gateway ask for a streamed answer?
 *     toolNames(req)       tool names declared in the request ([] when none).
 *     toolChoice(req)      what the request asks of the model, in neutral terms:
 *                          'none' | 'auto' | 'required' | { name } (undefined: nothing said).
 *     parallelToolCalls?   the native "parallel tool calls" flag (omit when the provider has none).
 *     historyToolCalls(req)  assistant tool calls replayed in the history: {id?, name, args (parsed)}.
 *     toolResults(req)     tool results in the history: {id?, content as text}.
 *
 *   reasoning?    omit when the provider cannot reason:
 *     requested(req)       does the native request ask for reasoning?
 *     returnsText          can the native answer carry reasoning text (and `signatures`)?
 *     replayed?(req)       reasoning sent back in the history: {text?, signature?}[].
 *
 *   ids?          'upstream' (default: the client sees exactly the ids of the native reply)
 *                 or 'synthesized' (provider gives none; the gateway makes them).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer, Fragmenting, RecordedRequest, Reply } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

export interface KitToolCall {
  id: string;
  name: string;
  /** The complete arguments, a JSON string. */
  arguments: string;
  /** The arguments cut into stream pieces (joined, they equal `arguments`). */
  fragments?: string[];
}

export interface Answer {
  text?: string;
  reasoning?: { text: string; signature?: string };
  toolCalls?: KitToolCall[];
  /** Usage the native reply should report. */
  usage?: { prompt: number; completion: number };
}

export interface ReplyOptions {
  stream: boolean;
  fragment?: Fragmenting;
}

export type ToolChoiceView = 'none' | 'auto' | 'required' | { name: string };

export interface KitInspect {
  stream(req: RecordedRequest): boolean;
  toolNames(req: RecordedRequest): string[];
  toolChoice(req: RecordedRequest): ToolChoiceView | undefined;
  parallelToolCalls?(req: RecordedRequest): boolean | undefined;
  historyToolCalls(req: RecordedRequest): { id?: string; name: string; args: unknown }[];
  toolResults(req: RecordedRequest): { id?: string; content: string }[];
}

export interface ProviderKit {
  name: string;
  model: string;
  startFake(): Promise<FakeServer>;
  provider(fakeUrl: string): Record<string, unknown>;
  endpoint?: Record<string, unknown>;
  reply(answer: Answer, opts: ReplyOptions): Reply;
  error(status: number, message: string): Reply;
  streamError?(text: string, message: string): Reply;
  inspect: KitInspect;
  reasoning?: {
    requested(req: RecordedRequest): boolean;
    returnsText: boolean;
    signatures: boolean;
    replayed?(req: RecordedRequest): { text?: string; signature?: string }[];
  };
  ids?: 'upstream' | 'synthesized';
}

/** The model id the suite's gateway serves (one endpoint: the kit's provider). */
export const MODEL = 'conformance/model';

/** The seed flow's tool (shared/seed/tool-calling.md). */
export const SEARCH_TOOL: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'search_gutenberg_books',
    description: 'Search for books in the Project Gutenberg library based on specified search terms',
    parameters: {
      type: 'object',
      properties: { search_terms: { type: 'array', items: { type: 'string' }, description: "List of search terms to find books in the Gutenberg library (e.g. ['dickens', 'great'] to search for books by Dickens with 'great' in the title)" } },
      required: ['search_terms'],
    },
  },
};

export const WEATHER_TOOL: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const SEED_MESSAGES: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'What are the titles of some James Joyce books?' },
];

const SEED_ARGS = '{"search_terms":["James","Joyce"]}';
const SEED_FRAGMENTS = ['{"search_', 'terms":["Ja', 'mes","Jo', 'yce"]', '}'];
const SEED_RESULT = JSON.stringify([
  { id: 4300, title: 'Ulysses', authors: [{ name: 'Joyce, James' }] },
  { id: 2814, title: 'Dubliners', authors: [{ name: 'Joyce, James' }] },
  { id: 4217, title: 'A Portrait of the Artist as a Young Man', authors: [{ name: 'Joyce, James' }] },
]);
const FINAL_TEXT = 'Some James Joyce books: “Ulysses”, “Dubliners” — and «A Portrait of the Artist as a Young Man» 📚.';

/** Tool-call ids valid everywhere (Mistral wants exactly 9 alphanumerics). */
const ID1 = 'Tc1abcXYZ';
const ID2 = 'Tc2defUVW';

export interface Rig {
  fake: FakeServer;
  gw: TestGateway;
  client: OpenAI;
  /** The n-th request the fake received in this test (0-based). */
  req(n?: number): RecordedRequest;
}

interface Collected {
  content: string;
  reasoning: string;
  details: Record<string, any>[];
  toolCalls: { id: string; name: string; arguments: string }[];
  finish: string | undefined;
  usage: OpenAI.CompletionUsage | undefined;
  roles: string[];
}

/** Reads an openai SDK stream the way a client application does. */
export async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<Collected> {
  const out: Collected = { content: '', reasoning: '', details: [], toolCalls: [], finish: undefined, usage: undefined, roles: [] };
  for await (const chunk of stream) {
    if (chunk.usage) out.usage = chunk.usage;
    const c = chunk.choices[0];
    if (c === undefined) continue;
    const d = c.delta as OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta & { reasoning?: string; reasoning_details?: Record<string, any>[] };
    if (d.role) out.roles.push(d.role);
    if (d.content) out.content += d.content;
    if (d.reasoning) out.reasoning += d.reasoning;
    for (const det of d.reasoning_details ?? []) {
      const prev = out.details.find((x) => (x.index ?? 0) === (det.index ?? 0) && x.type === det.type);
      if (prev === undefined) out.details.push({ ...det });
      else {
        if (det.text) prev.text = (prev.text ?? '') + det.text;
        if (det.signature) prev.signature = det.signature;
        if (det.data) prev.data = det.data;
      }
    }
    for (const tc of d.tool_calls ?? []) {
      const slot = (out.toolCalls[tc.index] ??= { id: '', name: '', arguments: '' });
      if (tc.id) slot.id = tc.id;
      if (tc.function?.name) slot.name += tc.function.name;
      if (tc.function?.arguments) slot.arguments += tc.function.arguments;
    }
    if (c.finish_reason) out.finish = c.finish_reason;
  }
  return out;
}

function config(kit: ProviderKit, fakeUrl: string): Record<string, unknown> {
  return {
    providers: { [kit.name]: kit.provider(fakeUrl) },
    models: [
      {
        id: MODEL,
        name: 'Conformance model',
        context_length: 100000,
        endpoints: [{ provider: kit.name, model: kit.model, pricing: { prompt: '0.000001', completion: '0.000002' }, ...kit.endpoint }],
      },
    ],
  };
}

/** The kit's fake, a gateway in front of it (no extensions) and an `openai` client for it. */
export async function startRig(kit: ProviderKit): Promise<Rig & { close(): Promise<void> }> {
  const fake = await kit.startFake();
  const gw = await startGateway(config(kit, fake.url), {});
  const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
  return {
    fake,
    gw,
    client,
    req: (n = 0) => {
      const r = fake.requests[n];
      assert.ok(r, `the fake received no request #${n} (it got ${fake.requests.length})`);
      return r;
    },
    close: async () => {
      await gw.close();
      await fake.stop();
    },
  };
}

/** Registers the suite's tests for one provider. */
export function runConformance(kit: ProviderKit): void {
  const expectIds = (kit.ids ?? 'upstream') === 'upstream';
  const tc = (id: string, name: string, args: string, fragments?: string[]): KitToolCall => ({ id, name, arguments: args, fragments });

  describe(`conformance: ${kit.name}`, () => {
    let open: (Rig & { close(): Promise<void> }) | undefined;
    const withRig = (fn: (r: Rig) => Promise<void>) => async () => {
      open = await startRig(kit);
      try {
        await fn(open);
      } finally {
        await open.close();
        open = undefined;
      }
    };
    after(async () => {
      await open?.close();
    });

    /** Turn 2 of the seed flow: checks the native history and returns the final text. */
    const checkSecondTurn = (r: Rig, n: number, callId: string) => {
      const second = r.req(n);
      assert.deepEqual(kit.inspect.toolNames(second), ['search_gutenberg_books'], 'tools are sent again on turn 2');
      const calls = kit.inspect.historyToolCalls(second);
      assert.equal(calls.length, 1, 'the assistant tool call is replayed in the history');
      assert.equal(calls[0]!.name, 'search_gutenberg_books');
      assert.deepEqual(calls[0]!.args, { search_terms: ['James', 'Joyce'] });
      const results = kit.inspect.toolResults(second);
      assert.equal(results.length, 1, 'the tool result reaches the upstream');
      assert.deepEqual(JSON.parse(results[0]!.content), JSON.parse(SEED_RESULT));
      if (expectIds) {
        assert.equal(calls[0]!.id, callId, 'the upstream sees its own tool-call id again');
        assert.equal(results[0]!.id, callId, 'the tool result answers that id');
      }
    };

    const seedTurn2 = (assistant: OpenAI.Chat.Completions.ChatCompletionMessageParam, callId: string): OpenAI.Chat.Completions.ChatCompletionMessageParam[] => [
      ...SEED_MESSAGES,
      assistant,
      { role: 'tool', tool_call_id: callId, content: SEED_RESULT },
    ];

    test('seed flow, non-streaming: tool_calls → role:tool result → final answer', withRig(async (r) => {
      r.fake.enqueue(
        kit.reply({ toolCalls: [tc(ID1, 'search_gutenberg_books', SEED_ARGS)], usage: { prompt: 50, completion: 12 } }, { stream: false }),
        kit.reply({ text: FINAL_TEXT, usage: { prompt: 90, completion: 30 } }, { stream: false }),
      );
      const res = await r.client.chat.completions.create({ model: MODEL, messages: SEED_MESSAGES, tools: [SEARCH_TOOL] });
      assert.equal(kit.inspect.stream(r.req(0)), false);
      assert.deepEqual(kit.inspect.toolNames(r.req(0)), ['search_gutenberg_books']);
      const choice = res.choices[0]!;
      assert.equal(choice.finish_reason, 'tool_calls');
      assert.equal((res as unknown as { provider: string }).provider, kit.name);
      const calls = choice.message.tool_calls ?? [];
      assert.equal(calls.length, 1);
      const call = calls[0]! as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
      assert.equal(call.type, 'function');
      assert.equal(call.function.name, 'search_gutenberg_books');
      assert.deepEqual(JSON.parse(call.function.arguments), { search_terms: ['James', 'Joyce'] });
      assert.ok(call.id.length > 0);
      if (expectIds) assert.equal(call.id, ID1);
      assert.equal(res.usage?.prompt_tokens, 50);
      assert.equal(res.usage?.completion_tokens, 12);

      const res2 = await r.client.chat.completions.create({ model: MODEL, messages: seedTurn2(choice.message, call.id), tools: [SEARCH_TOOL] });
      checkSecondTurn(r, 1, ID1);
      assert.equal(res2.choices[0]!.finish_reason, 'stop');
      assert.equal(res2.choices[0]!.message.content, FINAL_TEXT);
      assert.equal(res2.choices[0]!.message.tool_calls, undefined);
      assert.equal(res2.usage?.total_tokens, 120);
    }));

    test('seed flow, streaming: fragmented tool-call arguments, then the final answer', withRig(async (r) => {
      r.fake.enqueue(
        kit.reply({ toolCalls: [tc(ID1, 'search_gutenberg_books', SEED_ARGS, SEED_FRAGMENTS)], usage: { prompt: 50, completion: 12 } }, { stream: true }),
        kit.reply({ text: FINAL_TEXT, usage: { prompt: 90, completion: 30 } }, { stream: true }),
      );
      const s1 = await collect(await r.client.chat.completions.create({ model: MODEL, messages: SEED_MESSAGES, tools: [SEARCH_TOOL], stream: true }));
      assert.equal(kit.inspect.stream(r.req(0)), true);
      assert.equal(s1.finish, 'tool_calls');
      assert.deepEqual(s1.roles, ['assistant']);
      assert.equal(s1.toolCalls.length, 1);
      assert.equal(s1.toolCalls[0]!.name, 'search_gutenberg_books');
      assert.equal(s1.toolCalls[0]!.arguments, SEED_ARGS);
      if (expectIds) assert.equal(s1.toolCalls[0]!.id, ID1);
      assert.equal(s1.usage?.prompt_tokens, 50);
      assert.equal(s1.usage?.completion_tokens, 12);
      const id = s1.toolCalls[0]!.id;
      const assistant: OpenAI.Chat.Completions.ChatCompletionMessageParam = {
        role: 'assistant',
        content: s1.content || null,
        tool_calls: [{ id, type: 'function', function: { name: 'search_gutenberg_books', arguments: s1.toolCalls[0]!.arguments } }],
      };
      const s2 = await collect(await r.client.chat.completions.create({ model: MODEL, messages: seedTurn2(assistant, id), tools: [SEARCH_TOOL], stream: true }));
      checkSecondTurn(r, 1, ID1);
      assert.equal(s2.finish, 'stop');
      assert.equal(s2.content, FINAL_TEXT);
      assert.equal(s2.toolCalls.length, 0);
      assert.equal(s2.usage?.total_tokens, 120);
    }));

    for (const stream of [false, true]) {
      test(`two parallel tool calls (${stream ? 'streaming' : 'non-streaming'})`, withRig(async (r) => {
        r.fake.enqueue(
          kit.reply({
            toolCalls: [
              tc(ID1, 'get_weather', '{"city":"Paris"}', ['{"ci', 'ty":"Par', 'is"}']),
              tc(ID2, 'get_weather', '{"city":"Dublin"}', ['{"city"', ':"Dublin"}']),
            ],
          }, { stream }),
          kit.reply({ text: 'Sunny in Paris, rain in Dublin.' }, { stream: false }),
        );
        const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Dublin?' }];
        const base = { model: MODEL, messages, tools: [WEATHER_TOOL, SEARCH_TOOL] };
        let calls: { id: string; name: string; arguments: string }[];
        if (stream) {
          const s = await collect(await r.client.chat.completions.create({ ...base, stream: true }));
          assert.equal(s.finish, 'tool_calls');
          calls = s.toolCalls;
        } else {
          const res = await r.client.chat.completions.create(base);
          assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
          calls = (res.choices[0]!.message.tool_calls ?? []).map((c) => {
            const f = c as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
            return { id: f.id, name: f.function.name, arguments: f.function.arguments };
          });
        }
        assert.equal(calls.length, 2);
        assert.deepEqual(calls.map((c) => JSON.parse(c.arguments)), [{ city: 'Paris' }, { city: 'Dublin' }]);
        assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_weather']);
        assert.notEqual(calls[0]!.id, calls[1]!.id, 'distinct ids');
        if (expectIds) assert.deepEqual(calls.map((c) => c.id), [ID1, ID2]);

        // both results go back in one turn
        const res2 = await r.client.chat.completions.create({
          ...base,
          messages: [
            ...messages,
            { role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) },
            { role: 'tool', tool_call_id: calls[0]!.id, content: '{"temp":21}' },
            { role: 'tool', tool_call_id: calls[1]!.id, content: '{"temp":12}' },
          ],
        });
        assert.equal(res2.choices[0]!.message.content, 'Sunny in Paris, rain in Dublin.');
        const results = kit.inspect.toolResults(r.req(1));
        assert.deepEqual(results.map((x) => JSON.parse(x.content)), [{ temp: 21 }, { temp: 12 }]);
        if (expectIds) assert.deepEqual(results.map((x) => x.id), [ID1, ID2]);
        assert.equal(kit.inspect.historyToolCalls(r.req(1)).length, 2);
      }));
    }

    const choices: { choice: OpenAI.Chat.Completions.ChatCompletionToolChoiceOption; view: ToolChoiceView }[] = [
      { choice: 'none', view: 'none' },
      { choice: 'auto', view: 'auto' },
      { choice: 'required', view: 'required' },
      { choice: { type: 'function', function: { name: 'get_weather' } }, view: { name: 'get_weather' } },
    ];
    for (const { choice, view } of choices) {
      const label = typeof choice === 'string' ? choice : `named (${choice.type === 'function' ? choice.function.name : '?'})`;
      test(`tool_choice ${label} is forwarded`, withRig(async (r) => {
        const answer: Answer = choice === 'none' || choice === 'auto' ? { text: 'No tool needed.' } : { toolCalls: [tc(ID1, 'get_weather', '{"city":"Oslo"}')] };
        r.fake.enqueue(kit.reply(answer, { stream: false }));
        const res = await r.client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'Weather in Oslo?' }],
          tools: [WEATHER_TOOL, SEARCH_TOOL],
          tool_choice: choice,
        });
        assert.deepEqual(kit.inspect.toolChoice(r.req()), view);
        if (answer.toolCalls) {
          assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
          const call = res.choices[0]!.message.tool_calls?.[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
          assert.equal(call.function.name, 'get_weather');
        } else {
          assert.equal(res.choices[0]!.message.content, 'No tool needed.');
        }
      }));
    }

    for (const { choice, view } of choices.slice(1)) {
      const label = typeof choice === 'string' ? choice : 'named';
      test(`parallel_tool_calls:false with tool_choice ${label}`, withRig(async (r) => {
        r.fake.enqueue(kit.reply({ toolCalls: [tc(ID1, 'get_weather', '{"city":"Oslo"}')] }, { stream: false }));
        const res = await r.client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'Weather in Oslo and Rome?' }],
          tools: [WEATHER_TOOL, SEARCH_TOOL],
          tool_choice: choice,
          parallel_tool_calls: false,
        });
        assert.deepEqual(kit.inspect.toolChoice(r.req()), view);
        if (kit.inspect.parallelToolCalls) assert.equal(kit.inspect.parallelToolCalls(r.req()), false, 'the native request disables parallel calls');
        assert.equal(res.choices[0]!.message.tool_calls?.length, 1);
      }));
    }

    if (kit.inspect.parallelToolCalls) {
      test('parallel_tool_calls is not sent as false when the client did not ask', withRig(async (r) => {
        r.fake.enqueue(kit.reply({ text: 'ok' }, { stream: false }));
        await r.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER_TOOL] });
        assert.notEqual(kit.inspect.parallelToolCalls!(r.req()), false);
      }));
    }

    const reasoning = kit.reasoning;
    if (reasoning !== undefined) {
      test('reasoning is requested from the upstream when the client asks', withRig(async (r) => {
        r.fake.enqueue(kit.reply({ text: 'plain' }, { stream: false }), kit.reply({ text: 'thought' }, { stream: false }));
        await r.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
        assert.equal(reasoning.requested(r.req(0)), false, 'no reasoning unless asked');
        await r.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], reasoning: { max_tokens: 2048 } } as never);
        assert.equal(reasoning.requested(r.req(1)), true);
      }));

      if (reasoning.returnsText) {
        const THOUGHT = 'The user wants Joyce titles; search the library.';
        const SIG = reasoning.signatures ? 'c2lnbmF0dXJlLW9mLXRoZS10aG91Z2h0' : undefined;
        for (const stream of [false, true]) {
          test(`reasoning comes back as reasoning + reasoning_details and is replayed (${stream ? 'streaming' : 'non-streaming'})`, withRig(async (r) => {
            r.fake.enqueue(
              kit.reply({ reasoning: { text: THOUGHT, signature: SIG }, toolCalls: [tc(ID1, 'search_gutenberg_books', SEED_ARGS, SEED_FRAGMENTS)] }, { stream, fragment: stream ? { random: 9 } : undefined }),
              kit.reply({ text: FINAL_TEXT }, { stream: false }),
            );
            const req = { model: MODEL, messages: SEED_MESSAGES, tools: [SEARCH_TOOL], reasoning: { effort: 'high' } } as never;
            let text: string;
            let details: Record<string, any>[];
            let calls: { id: string; name: string; arguments: string }[];
            if (stream) {
              const s = await collect(await r.client.chat.completions.create({ ...(req as object), stream: true } as never) as never);
              text = s.reasoning;
              details = s.details;
              calls = s.toolCalls;
            } else {
              const res = await r.client.chat.completions.create(req);
              const m = res.choices[0]!.message as unknown as { reasoning: string; reasoning_details: Record<string, any>[]; tool_calls: OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[] };
              text = m.reasoning;
              details = m.reasoning_details;
              calls = m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
            }
            assert.equal(reasoning.requested(r.req(0)), true);
            assert.equal(text, THOUGHT);
            const textDetails = details.filter((d) => d.type === 'reasoning.text');
            assert.equal(textDetails.length, 1, `one reasoning.text detail (got ${JSON.stringify(details)})`);
            assert.equal(textDetails[0]!.text, THOUGHT);
            if (SIG !== undefined) assert.equal(textDetails[0]!.signature, SIG);
            assert.equal(calls.length, 1);

            // the client replays the assistant turn with its reasoning_details (OpenRouter contract)
            await r.client.chat.completions.create({
              model: MODEL,
              tools: [SEARCH_TOOL],
              messages: [
                ...SEED_MESSAGES,
                { role: 'assistant', content: null, reasoning_details: details, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } as never,
                { role: 'tool', tool_call_id: calls[0]!.id, content: SEED_RESULT },
              ],
              reasoning: { effort: 'high' },
            } as never);
            if (reasoning.replayed) {
              const back = reasoning.replayed(r.req(1));
              assert.equal(back.length, 1, 'the reasoning goes back to the upstream');
              assert.equal(back[0]!.text, THOUGHT);
              if (SIG !== undefined) assert.equal(back[0]!.signature, SIG);
            }
          }));
        }
      }
    }

    const STATUS: [number, number][] = [[400, 400], [401, 502], [429, 429], [500, 502]];
    for (const [upstream, expected] of STATUS) {
      for (const stream of [false, true]) {
        test(`upstream ${upstream} → ${expected} with the error shape and provider name (${stream ? 'streaming' : 'non-streaming'})`, withRig(async (r) => {
          const msg = `native failure ${upstream}`;
          r.fake.enqueue(kit.error(upstream, msg));
          const call = stream
            ? r.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER_TOOL], stream: true }).then(collect)
            : r.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER_TOOL] });
          await assert.rejects(call, (e: unknown) => {
            assert.ok(e instanceof OpenAI.APIError, `an APIError, got ${String(e)}`);
            assert.equal(e.status, expected);
            const body = e.error as { code: number; message: string; metadata?: { provider_name?: string } };
            assert.equal(body.code, expected);
            assert.ok(body.message.includes(msg), `message "${body.message}" carries the upstream's "${msg}"`);
            assert.equal(body.metadata?.provider_name, kit.name);
            return true;
          });
          assert.equal(r.fake.requests.length, 1, 'one attempt, no retry storm');
        }));
      }
    }

    if (kit.streamError !== undefined) {
      test('an in-stream error after some text → the text, then an error chunk with the upstream message', withRig(async (r) => {
        r.fake.enqueue(kit.streamError!('Half an answer', 'upstream broke mid-stream'));
        const stream = await r.client.chat.completions.create({ model: MODEL, messages: SEED_MESSAGES, stream: true });
        let text = '';
        await assert.rejects(async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        }, (e: unknown) => {
          assert.ok(e instanceof OpenAI.APIError, `an APIError, got ${String(e)}`);
          assert.match(e.message, /upstream broke mid-stream/);
          return true;
        });
        assert.equal(text, 'Half an answer');
      }));
    }

    const cuts: [string, Fragmenting][] = [['byte by byte', 'byte'], ['random cuts', { random: 7 }], ['3-byte cuts', { every: 3 }]];
    for (const [label, fragment] of cuts) {
      test(`fragmented stream (${label}): text and a tool call survive any cut`, withRig(async (r) => {
        r.fake.enqueue(
          kit.reply({ text: FINAL_TEXT, usage: { prompt: 7, completion: 5 } }, { stream: true, fragment }),
          kit.reply({ toolCalls: [tc(ID1, 'search_gutenberg_books', SEED_ARGS, SEED_FRAGMENTS)] }, { stream: true, fragment }),
        );
        const s1 = await collect(await r.client.chat.completions.create({ model: MODEL, messages: SEED_MESSAGES, stream: true }));
        assert.equal(s1.content, FINAL_TEXT);
        assert.equal(s1.finish, 'stop');
        assert.equal(s1.usage?.prompt_tokens, 7);
        assert.equal(s1.usage?.completion_tokens, 5);
        const s2 = await collect(await r.client.chat.completions.create({ model: MODEL, messages: SEED_MESSAGES, tools: [SEARCH_TOOL], stream: true }));
        assert.equal(s2.finish, 'tool_calls');
        assert.equal(s2.toolCalls.length, 1);
        assert.equal(s2.toolCalls[0]!.arguments, SEED_ARGS);
      }));
    }
  });
}

/** Kits often need a native view of `tool_choice` in OpenAI form; shared here. */
export function openaiStyleToolChoice(body: { tool_choice?: unknown; tools?: unknown[] }): ToolChoiceView | undefined {
  const c = body.tool_choice;
  if (c === undefined || c === null) return body.tools?.length ? 'auto' : undefined;
  if (c === 'none' || c === 'auto' || c === 'required') return c;
  if (c === 'any') return 'required';
  if (typeof c === 'object' && (c as { function?: { name?: string } }).function?.name) return { name: (c as { function: { name: string } }).function.name };
  return undefined;
}

