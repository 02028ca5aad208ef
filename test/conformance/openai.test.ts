/** The conformance suite for the `openai` adapter, against the OpenAI wire fake. */
import { completion, startFakeOpenAI, stream, streamFrames, openaiUsage } from '../fakes/openai.js';
import type { Reply } from '../fakes/harness.js';
import { openaiStyleToolChoice, runConformance, type ProviderKit } from './suite.js';

const kit: ProviderKit = {
  name: 'openai',
  model: 'gpt-4o-mini',
  startFake: () => startFakeOpenAI(),
  provider: (url) => ({ type: 'openai', base_url: `${url}/v1`, api_key: 'sk-upstream' }),
  reply(a, o) {
    const u = a.usage ? openaiUsage(a.usage.prompt, a.usage.completion) : undefined;
    const calls = a.toolCalls?.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
    if (!o.stream) return completion({ content: a.text ?? null, tool_calls: calls }, undefined, u);
    const frames = streamFrames({
      text: a.text === undefined ? undefined : [...splitText(a.text)],
      toolCalls: a.toolCalls?.map((c) => ({ id: c.id, name: c.name, args: c.fragments ?? [c.arguments] })),
      usage: u,
    });
    return stream(frames, { fragment: o.fragment });
  },
  error: (status, message): Reply => ({
    kind: 'json',
    status,
    body: { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', param: null, code: null } },
  }),
  streamError: (text, message) =>
    stream([...streamFrames({ text: [...splitText(text)] }).slice(0, -3), `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`]),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.function.name),
    toolChoice: (r) => openaiStyleToolChoice(r.body),
    parallelToolCalls: (r) => r.body.parallel_tool_calls,
    historyToolCalls: (r) =>
      r.body.messages.flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) }))),
    toolResults: (r) => r.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => ({ id: m.tool_call_id, content: m.content })),
  },
  // Chat Completions takes reasoning_effort but never returns reasoning text
  reasoning: { requested: (r) => r.body.reasoning_effort !== undefined, returnsText: false, signatures: false },
};

function* splitText(t: string): Generator<string> {
  for (let i = 0; i < t.length; i += 12) yield t.slice(i, i + 12);
}

runConformance(kit);
