/** The conformance kit for the `mistral` adapter against the Mistral wire fake, for suite.ts. */
import type { RecordedRequest } from '../fakes/harness.js';
import { mistralCompletion, mistralError, mistralStream, mistralStreamFrames, startFakeMistral, type MistralAnswer } from '../fakes/mistral.js';
import { openaiStyleToolChoice, type Answer, type ProviderKit } from './suite.js';

const native = (a: Answer): MistralAnswer => ({
  text: a.text,
  thinking: a.reasoning,
  // Mistral sends arguments as objects in non-streamed answers: the adapter must stringify them
  toolCalls: a.toolCalls?.map((c) => ({ id: c.id, name: c.name, arguments: JSON.parse(c.arguments), fragments: c.fragments })),
  usage: a.usage,
});

const assistants = (r: RecordedRequest): any[] => r.body.messages.filter((m: any) => m.role === 'assistant');

export const mistralKit: ProviderKit = {
  name: 'mistral',
  model: 'mistral-large-latest',
  startFake: () => startFakeMistral(),
  provider: (url) => ({ type: 'mistral', base_url: `${url}/v1`, api_key: 'mistral-test-key' }),
  reply: (a, o) => {
    if (!o.stream) return mistralCompletion(native(a));
    // streamed arguments arrive as strings (fragments when the answer has them)
    const n = native(a);
    n.toolCalls = n.toolCalls?.map((c) => ({ ...c, arguments: JSON.stringify(c.arguments) }));
    return mistralStream(mistralStreamFrames(n), o.fragment);
  },
  error: (status, message) => mistralError(status, message),
  streamError: (text, message) =>
    mistralStream([...mistralStreamFrames({ text }).slice(0, -2), `data: ${JSON.stringify({ object: 'error', message, type: 'internal_error', param: null, code: '3000' })}\n\n`]),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.function.name),
    toolChoice: (r) => openaiStyleToolChoice(r.body),
    parallelToolCalls: (r) => r.body.parallel_tool_calls,
    historyToolCalls: (r) => assistants(r).flatMap((m) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) }))),
    toolResults: (r) => r.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => ({ id: m.tool_call_id, content: m.content })),
  },
  reasoning: {
    requested: (r) => r.body.reasoning_effort !== undefined && r.body.reasoning_effort !== 'none',
    returnsText: true,
    signatures: true,
    replayed: (r) =>
      assistants(r).flatMap((m) => (Array.isArray(m.content) ? m.content : []).filter((c: any) => c.type === 'thinking').map((c: any) => ({ text: c.thinking.map((t: any) => t.text).join(''), signature: c.signature }))),
  },
};

