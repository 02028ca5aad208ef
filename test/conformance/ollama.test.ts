/** The conformance suite for the `ollama` adapter (native /api/chat), against the Ollama wire fake. */
import type { Reply } from '../fakes/harness.js';
import { ollamaChat, ollamaError, ollamaLines, ollamaStream, startFakeOllama } from '../fakes/ollama.js';
import { runConformance, type ProviderKit } from './suite.js';

const messages = (r: { body: any }): any[] => r.body.messages ?? [];
const system = (r: { body: any }): string => messages(r).filter((m) => m.role === 'system').map((m) => m.content).join('\n');

const kit: ProviderKit = {
  name: 'ollama',
  model: 'qwen3:8b',
  ids: 'synthesized',
  startFake: () => startFakeOllama(),
  provider: (url) => ({ type: 'ollama', base_url: url }),
  reply(a, o): Reply {
    const toolCalls = a.toolCalls?.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) as Record<string, unknown> }));
    if (!o.stream) return ollamaChat({ content: a.text, thinking: a.reasoning?.text, toolCalls, usage: a.usage });
    return ollamaStream(ollamaLines({ thinking: a.reasoning ? pieces(a.reasoning.text) : undefined, content: a.text === undefined ? undefined : pieces(a.text), toolCalls, usage: a.usage }), o.fragment);
  },
  error: (status, message) => ollamaError(status, message),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.function.name),
    toolChoice: (r) => {
      if (r.body.tools === undefined) return 'none';
      const named = /You must call the tool "([^"]+)"/.exec(system(r));
      if (named) return { name: named[1]! };
      return system(r).includes('You must call one of the provided tools') ? 'required' : 'auto';
    },
    historyToolCalls: (r) => messages(r).flatMap((m) => (m.tool_calls ?? []).map((c: any) => ({ name: c.function.name, args: c.function.arguments }))),
    toolResults: (r) => messages(r).filter((m) => m.role === 'tool').map((m) => ({ content: m.content })),
  },
  reasoning: {
    requested: (r) => r.body.think !== undefined && r.body.think !== false,
    returnsText: true,
    signatures: false,
    replayed: (r) => messages(r).filter((m) => m.role === 'assistant' && m.thinking).map((m) => ({ text: m.thinking })),
  },
};

function pieces(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i += 10) out.push(t.slice(i, i + 10));
  return out;
}

runConformance(kit);
