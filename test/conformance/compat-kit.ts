/** One conformance kit for every OpenAI-compatible preset, parameterised by host (test/fakes/compat.ts). */
import { compatError, hostCompletion, hostStream, startFakeHost, type Host } from '../fakes/compat.js';
import { openaiStyleToolChoice, type ProviderKit } from './suite.js';

/** Hosts whose endpoints take parallel_tool_calls (DeepSeek has no such switch). */
const PARALLEL = new Set<Host>(['groq', 'together', 'fireworks', 'xai', 'openrouter', 'vllm', 'llamacpp']);

const assistants = (r: { body: any }): any[] => (r.body.messages ?? []).filter((m: any) => m.role === 'assistant');

export function compatKit(host: Host, model: string): ProviderKit {
  return {
    name: host,
    model,
    startFake: () => startFakeHost(host),
    provider: (url) => ({ type: host, base_url: `${url}/v1`, api_key: `sk-${host}` }),
    reply(a, o) {
      const details = host === 'openrouter' && a.reasoning ? [{ type: 'reasoning.text', text: a.reasoning.text, signature: a.reasoning.signature ?? null, format: 'anthropic-claude-v1', index: 0 }] : undefined;
      const answer = { content: a.text, reasoning: a.reasoning?.text, reasoningDetails: details, toolCalls: a.toolCalls, usage: a.usage };
      if (!o.stream) return hostCompletion(host, answer);
      return hostStream(host, { ...answer, text: a.text === undefined ? undefined : pieces(a.text) }, o.fragment);
    },
    error: (status, message) => compatError(status, message),
    inspect: {
      stream: (r) => r.body.stream === true,
      toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.function.name),
      toolChoice: (r) => openaiStyleToolChoice(r.body),
      ...(PARALLEL.has(host) ? { parallelToolCalls: (r: { body: any }) => r.body.parallel_tool_calls } : {}),
      historyToolCalls: (r) => assistants(r).flatMap((m) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) }))),
      toolResults: (r) => r.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => ({ id: m.tool_call_id, content: m.content })),
    },
    reasoning: {
      requested: (r) => (host === 'deepseek' ? r.body.thinking?.type === 'enabled' : host === 'openrouter' ? r.body.reasoning !== undefined : r.body.reasoning_effort !== undefined),
      returnsText: true,
      signatures: host === 'openrouter',
      ...(host === 'deepseek' ? { replayed: (r: { body: any }) => assistants(r).filter((m) => m.reasoning_content).map((m) => ({ text: m.reasoning_content })) } : {}),
      ...(host === 'openrouter'
        ? { replayed: (r: { body: any }) => assistants(r).flatMap((m) => (m.reasoning_details ?? []).map((d: any) => ({ text: d.text, signature: d.signature ?? undefined }))) }
        : {}),
    },
  };
}

function pieces(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i += 12) out.push(t.slice(i, i + 12));
  return out;
}
