/**
 * Bedrock quirks end to end: SigV4 checked by the fake (config and env credentials, wrong
 * secret, API key mode, URL-encoded model ids), eventstream frames split across and packed into
 * TCP reads, truncated and corrupt streams, exception frames, cache usage, stop reasons, and the
 * history rules (toolConfig with tool blocks, strict alternation).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  bedrockEvent,
  bedrockStreamException,
  converseResponse,
  converseStream,
  converseStreamFrames,
  startFakeBedrock,
  TEST_CREDENTIALS,
  TEST_REGION,
  type BedrockFakeOptions,
  type FakeBedrock,
} from '../fakes/bedrock.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, SEARCH_TOOL } from './suite.js';

const MODEL_ID = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

interface Rig {
  fake: FakeBedrock;
  gw: TestGateway;
  client: OpenAI;
}

async function withRig(provider: Record<string, unknown>, fn: (r: Rig) => Promise<void>, fakeOpts: BedrockFakeOptions = {}, model = MODEL_ID, endpoint: Record<string, unknown> = {}): Promise<void> {
  const fake = await startFakeBedrock(fakeOpts);
  const gw = await startGateway({
    providers: { aws: { type: 'bedrock', base_url: fake.url, ...provider } },
    models: [{ id: 'claude', endpoints: [{ provider: 'aws', model, pricing: { prompt: '0.000003', completion: '0.000015' }, ...endpoint }] }],
  }, {});
  const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
  try {
    await fn({ fake, gw, client });
  } finally {
    await gw.close();
    await fake.stop();
  }
}

const configCreds = {
  region: TEST_REGION,
  access_key_id: TEST_CREDENTIALS.accessKeyId,
  secret_access_key: TEST_CREDENTIALS.secretAccessKey,
  session_token: TEST_CREDENTIALS.sessionToken,
};
const hi: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

describe('bedrock: SigV4 checked by the fake', () => {
  test('config credentials: signed with the session token, model id URL-encoded in the signed path', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'hello' }));
      const res = await client.chat.completions.create({ model: 'claude', messages: hi });
      assert.equal(res.choices[0]!.message.content, 'hello');
      assert.equal(fake.verified, 1);
      assert.equal(fake.last!.path, '/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse');
      assert.equal(fake.last!.headers['x-amz-security-token'], TEST_CREDENTIALS.sessionToken);
      assert.match(String(fake.last!.headers.authorization), new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/\\d{8}/${TEST_REGION}/bedrock/aws4_request`));
    }));

  test('credentials from AWS_* environment variables', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
      AWS_REGION: TEST_REGION,
    });
    try {
      await withRig({}, async ({ fake, client }) => {
        fake.enqueue(converseStream(converseStreamFrames({ text: 'from env' })));
        const s = await collect(await client.chat.completions.create({ model: 'claude', messages: hi, stream: true }));
        assert.equal(s.content, 'from env');
        assert.equal(fake.verified, 1);
      });
    } finally {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  test('a wrong secret fails the fake\'s signature check: 502 naming the signature mismatch', () =>
    withRig({ ...configCreds, secret_access_key: 'not-the-secret' }, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'unreachable' }));
      await assert.rejects(client.chat.completions.create({ model: 'claude', messages: hi }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.match(String((e.error as { message: string }).message), /InvalidSignatureException: The request signature we calculated does not match/);
        return true;
      });
      assert.equal(fake.verified, 0);
    }));

  test('a region other than the signed one is refused', () =>
    withRig({ ...configCreds, region: 'us-west-2' }, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'unreachable' }));
      await assert.rejects(client.chat.completions.create({ model: 'claude', messages: hi }), /Credential should be scoped/);
    }));

  test('api_key: a Bedrock API key is sent as Bearer, unsigned', () =>
    withRig({ api_key: 'bedrock-api-key-1', region: TEST_REGION }, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'keyed' }));
      const res = await client.chat.completions.create({ model: 'claude', messages: hi });
      assert.equal(res.choices[0]!.message.content, 'keyed');
      assert.equal(fake.last!.headers.authorization, 'Bearer bedrock-api-key-1');
      assert.equal(fake.last!.headers['x-amz-date'], undefined);
    }, { apiKey: 'bedrock-api-key-1' }));

  test('no credentials anywhere: a clear 500, nothing sent', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      await withRig({ region: TEST_REGION }, async ({ fake, client }) => {
        await assert.rejects(client.chat.completions.create({ model: 'claude', messages: hi }), (e: unknown) => {
          assert.ok(e instanceof OpenAI.APIError);
          assert.equal(e.status, 500);
          assert.match(e.message, /no AWS credentials/);
          return true;
        });
        assert.equal(fake.requests.length, 0);
      });
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});

describe('bedrock: eventstream framing', () => {
  const answer = { text: 'Ulysses — «Dubliners» 📚', toolCalls: [{ id: 'tooluse_A1', name: 'search_gutenberg_books', input: { search_terms: ['Joyce'] }, fragments: ['{"search_terms"', ':["Joyce"]}'] }] };
  const expectAnswer = (s: Awaited<ReturnType<typeof collect>>) => {
    assert.equal(s.content, answer.text);
    assert.deepEqual(s.toolCalls, [{ id: 'tooluse_A1', name: 'search_gutenberg_books', arguments: '{"search_terms":["Joyce"]}' }]);
    assert.equal(s.finish, 'tool_calls');
  };

  test('frames split across reads at every 5th byte (inside preludes, headers and CRCs)', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseStream(converseStreamFrames(answer), { every: 5 }));
      expectAnswer(await collect(await client.chat.completions.create({ model: 'claude', messages: hi, tools: [SEARCH_TOOL], stream: true })));
    }));

  test('all frames packed into one read', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseStream([Buffer.concat(converseStreamFrames(answer))]));
      expectAnswer(await collect(await client.chat.completions.create({ model: 'claude', messages: hi, tools: [SEARCH_TOOL], stream: true })));
    }));

  test('reads that end mid-frame and start the next frame in the same read', () =>
    withRig(configCreds, async ({ fake, client }) => {
      const all = Buffer.concat(converseStreamFrames(answer));
      const cuts = [3, 17, 90, 91, 200, all.length - 2];
      const parts = cuts.map((c, i) => all.subarray(i === 0 ? 0 : cuts[i - 1]!, c));
      parts.push(all.subarray(cuts[cuts.length - 1]!));
      fake.enqueue(converseStream(parts));
      expectAnswer(await collect(await client.chat.completions.create({ model: 'claude', messages: hi, tools: [SEARCH_TOOL], stream: true })));
    }));

  test('a stream cut inside a frame ends with an error chunk, not a silent success', () =>
    withRig(configCreds, async ({ fake, client }) => {
      const frames = converseStreamFrames({ text: 'partial answer that goes on' });
      const last = frames.pop()!; // metadata
      frames.pop(); // messageStop
      frames.push(last.subarray(0, 20));
      fake.enqueue(converseStream(frames));
      const stream = await client.chat.completions.create({ model: 'claude', messages: hi, stream: true });
      await assert.rejects(collect(stream), /ended inside a message/);
    }));

  test('a corrupt frame (bad CRC) is an error', () =>
    withRig(configCreds, async ({ fake, client }) => {
      const frames = converseStreamFrames({ text: 'abc' });
      const bad = Buffer.from(frames[1]!);
      bad[bad.length - 1] ^= 0xff;
      frames[1] = bad;
      fake.enqueue(converseStream(frames));
      await assert.rejects(client.chat.completions.create({ model: 'claude', messages: hi, stream: true }).then(collect), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.match(e.message, /invalid upstream stream/);
        return true;
      });
    }));

  test('a throttlingException frame before any content → HTTP 429', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseStream([bedrockEvent('messageStart', { role: 'assistant' }), bedrockStreamException('throttlingException', 'Too many requests, please wait before trying again.')]));
      await assert.rejects(client.chat.completions.create({ model: 'claude', messages: hi, stream: true }).then(collect), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 429);
        assert.match(e.message, /ThrottlingException: Too many requests/);
        return true;
      });
    }));

  test('a modelStreamErrorException after content → error chunk after the text', () =>
    withRig(configCreds, async ({ fake, client }) => {
      const frames = converseStreamFrames({ text: 'half an answer' });
      frames.splice(frames.length - 3, 3, bedrockStreamException('modelStreamErrorException', 'The model failed mid-stream'));
      fake.enqueue(converseStream(frames));
      const seen: string[] = [];
      const stream = await client.chat.completions.create({ model: 'claude', messages: hi, stream: true });
      await assert.rejects(async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      }, /ModelStreamErrorException: The model failed mid-stream/);
      assert.equal(seen.join(''), 'half an answer');
    }));
});

describe('bedrock: usage, stop reasons, history rules', () => {
  test('prompt caching on Claude: cache_control → cachePoint blocks the fake accepts; cache reads reported', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'cached', usage: { inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 4000 } }));
      const res = await client.chat.completions.create({
        model: 'claude',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'A very long system prompt.', cache_control: { type: 'ephemeral' } }] },
          { role: 'user', content: [{ type: 'text', text: 'A long document.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Question?' }] },
        ] as never,
        tools: [{ ...SEARCH_TOOL, cache_control: { type: 'ephemeral' } } as never],
      });
      assert.equal(res.usage?.prompt_tokens_details?.cached_tokens, 4000);
      const b = fake.last!.body;
      assert.deepEqual(b.system, [{ text: 'A very long system prompt.' }, { cachePoint: { type: 'default' } }]);
      assert.deepEqual(b.messages[0].content, [{ text: 'A long document.' }, { cachePoint: { type: 'default' } }, { text: 'Question?' }]);
      assert.deepEqual(b.toolConfig.tools[1], { cachePoint: { type: 'default' } });
    }));

  const cacheUsage = { inputTokens: 20, outputTokens: 7, cacheReadInputTokens: 1000, cacheWriteInputTokens: 50 };

  test('usage with cache read/write (non-streaming and streaming)', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'a', usage: cacheUsage }), converseStream(converseStreamFrames({ text: 'b', usage: cacheUsage })));
      const res = await client.chat.completions.create({ model: 'claude', messages: hi });
      assert.equal(res.usage?.prompt_tokens, 1070);
      assert.equal(res.usage?.prompt_tokens_details?.cached_tokens, 1000);
      assert.equal((res.usage?.prompt_tokens_details as { cache_write_tokens?: number }).cache_write_tokens, 50);
      assert.equal(res.usage?.completion_tokens, 7);
      const s = await collect(await client.chat.completions.create({ model: 'claude', messages: hi, stream: true }));
      assert.equal(s.usage?.prompt_tokens, 1070);
      assert.equal(s.usage?.prompt_tokens_details?.cached_tokens, 1000);
    }));

  for (const [stop, finish] of [['max_tokens', 'length'], ['guardrail_intervened', 'content_filter'], ['stop_sequence', 'stop']] as const) {
    test(`stopReason ${stop} → finish_reason ${finish}, native kept`, () =>
      withRig(configCreds, async ({ fake, client }) => {
        fake.enqueue(converseResponse({ text: 'x', stopReason: stop }));
        const res = await client.chat.completions.create({ model: 'claude', messages: hi });
        assert.equal(res.choices[0]!.finish_reason, finish);
        assert.equal((res.choices[0] as unknown as { native_finish_reason: string }).native_finish_reason, stop);
      }));
  }

  const history: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Find Joyce.' },
    { role: 'user', content: 'Books, please.' },
    { role: 'assistant', content: 'Searching.', tool_calls: [{ id: 'call_X', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["Joyce"]}' } }] },
    { role: 'tool', tool_call_id: 'call_X', content: '[{"title":"Ulysses"}]' },
    { role: 'user', content: 'Summarise.' },
  ];

  test('tool history with tool_choice none keeps toolConfig (Bedrock requires it) and alternates roles', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'Ulysses.' }));
      const res = await client.chat.completions.create({ model: 'claude', messages: history, tools: [SEARCH_TOOL], tool_choice: 'none' });
      assert.equal(res.choices[0]!.message.content, 'Ulysses.');
      const b = fake.last!.body;
      assert.deepEqual(b.system, [{ text: 'Be brief.' }]);
      assert.deepEqual(b.messages.map((m: any) => m.role), ['user', 'assistant', 'user']);
      assert.deepEqual(b.messages[0].content, [{ text: 'Find Joyce.' }, { text: 'Books, please.' }]);
      assert.deepEqual(b.messages[2].content, [{ toolResult: { toolUseId: 'call_X', content: [{ text: '[{"title":"Ulysses"}]' }] } }, { text: 'Summarise.' }]);
      assert.equal(b.toolConfig.tools[0].toolSpec.name, 'search_gutenberg_books');
      assert.equal(b.toolConfig.toolChoice, undefined);
    }));

  test('tool_choice none with a tool history: a toolUse the model returns anyway is stripped, finish stop', () =>
    withRig(configCreds, async ({ fake, client }) => {
      const stray = { text: 'Ulysses.', toolCalls: [{ id: 'tooluse_stray', name: 'search_gutenberg_books', input: { search_terms: ['more'] } }] };
      fake.enqueue(converseResponse(stray), converseStream(converseStreamFrames(stray)));
      const res = await client.chat.completions.create({ model: 'claude', messages: history, tools: [SEARCH_TOOL], tool_choice: 'none' });
      assert.equal(res.choices[0]!.message.tool_calls, undefined);
      assert.equal(res.choices[0]!.finish_reason, 'stop');
      assert.equal(res.choices[0]!.message.content, 'Ulysses.');
      const s = await collect(await client.chat.completions.create({ model: 'claude', messages: history, tools: [SEARCH_TOOL], tool_choice: 'none', stream: true }));
      assert.deepEqual(s.toolCalls, []);
      assert.equal(s.finish, 'stop');
    }));

  test('tool history on an endpoint without tools: stub tools declared for the names the history uses', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ text: 'Ulysses.' }));
      await client.chat.completions.create({ model: 'claude', messages: history, tools: [SEARCH_TOOL] });
      assert.deepEqual(fake.last!.body.toolConfig.tools.map((t: any) => t.toolSpec.name), ['search_gutenberg_books']);
      assert.equal(fake.last!.body.toolConfig.tools[0].toolSpec.description, 'A tool used earlier in this conversation.');
    }, {}, MODEL_ID, { supported_parameters: ['temperature', 'max_tokens'] }));

  test('reasoning with a forced tool on Claude: thinking on, tool_choice downgraded to auto with the named tool only', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ toolCalls: [{ id: 'tooluse_1', name: 'search_gutenberg_books', input: { search_terms: ['x'] } }] }));
      await client.chat.completions.create({
        model: 'claude',
        messages: hi,
        tools: [SEARCH_TOOL, { type: 'function', function: { name: 'other', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'search_gutenberg_books' } },
        reasoning: { max_tokens: 2000 },
        max_tokens: 1000,
      } as never);
      const b = fake.last!.body;
      assert.deepEqual(b.additionalModelRequestFields.thinking, { type: 'enabled', budget_tokens: 2000 });
      assert.equal(b.inferenceConfig.maxTokens, 3000);
      assert.deepEqual(b.toolConfig.toolChoice, { auto: {} });
      assert.deepEqual(b.toolConfig.tools.map((t: any) => t.toolSpec.name), ['search_gutenberg_books']);
    }));

  test('Mistral on Bedrock: client tool-call ids sent as 9 alphanumerics, restored when they come back', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue((req) => {
        const mapped = req.body.messages[1].content.find((b: any) => b.toolUse).toolUse.toolUseId as string;
        return converseResponse({ toolCalls: [{ id: mapped, name: 'search_gutenberg_books', input: { search_terms: ['again'] } }] });
      });
      const res = await client.chat.completions.create({ model: 'claude', messages: history, tools: [SEARCH_TOOL] });
      const b = fake.last!.body;
      const id = b.messages[1].content.find((x: any) => x.toolUse).toolUse.toolUseId;
      assert.match(id, /^[a-zA-Z0-9]{9}$/);
      assert.equal(b.messages[2].content[0].toolResult.toolUseId, id);
      assert.equal(res.choices[0]!.message.tool_calls![0]!.id, 'call_X', 'the client sees its own id again');
    }, {}, 'mistral.mistral-large-2407-v1:0'));

  test('Nova: reasoning → reasoningConfig; parallel_tool_calls:false has no Converse field: not sent, answer cut to its first call', () =>
    withRig(configCreds, async ({ fake, client }) => {
      fake.enqueue(converseResponse({ toolCalls: [{ id: 'tooluse_a', name: 'search_gutenberg_books', input: { search_terms: ['a'] } }, { id: 'tooluse_b', name: 'search_gutenberg_books', input: { search_terms: ['b'] } }] }));
      const res = await client.chat.completions.create({ model: 'claude', messages: hi, tools: [SEARCH_TOOL], parallel_tool_calls: false, reasoning: { effort: 'low' } } as never);
      const b = fake.last!.body;
      assert.deepEqual(b.additionalModelRequestFields, { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } });
      assert.deepEqual(b.toolConfig.toolChoice, { auto: {} });
      assert.deepEqual(res.choices[0]!.message.tool_calls!.map((c) => c.id), ['tooluse_a']);
    }, {}, 'amazon.nova-pro-v1:0'));
});
