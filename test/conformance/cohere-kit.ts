/** The conformance kit for the `cohere` adapter (v2 chat) against the Cohere wire fake, for suite.ts. */
import { cohereError, cohereResponse, cohereStream, cohereStreamFrames, startFakeCohere, type CohereAnswer } from '../fakes/cohere.js';
import type { RecordedRequest } from '../fakes/harness.js';
import type { Answer, ProviderKit, ToolChoiceView } from './suite.js';

// Cohere reasons in a tool_plan before tool calls, and in thinking content otherwise
const native = (a: Answer): CohereAnswer => ({
  text: a.text,
  toolPlan: a.toolCalls?.length ? a.reasoning?.text : undefined,
  thinking: a.toolCalls?.length ? undefined : a.reasoning?.text,
  toolCalls: a.toolCalls,
  usage: a.usage,
});

function toolChoice(r: RecordedRequest): ToolChoiceView | undefined {
  const tools = r.body.tools ?? [];
  if (r.body.tool_choice === 'NONE') return 'none';
  if (r.body.tool_choice === 'REQUIRED') return tools.length === 1 ? { name: tools[0].function.name } : 'required';
  return tools.length > 0 ? 'auto' : undefined;
}

/** Tool-result documents back to the JSON text the client sent (one document: its data; several: an array). */
function resultText(content: any): string {
  if (typeof content === 'string') return content;
  const data = content.map((c: any) => (c.type === 'document' ? c.document.data : c.text));
  if (data.length > 1) return JSON.stringify(data);
  const d = data[0];
  return typeof d === 'object' && Object.keys(d).length === 1 && typeof d.text === 'string' ? d.text : JSON.stringify(d);
}

const assistants = (r: RecordedRequest): any[] => r.body.messages.filter((m: any) => m.role === 'assistant');

export const cohereKit: ProviderKit = {
  name: 'cohere',
  model: 'command-a-03-2025',
  startFake: () => startFakeCohere(),
  provider: (url) => ({ type: 'cohere', base_url: url, api_key: 'cohere-test-key' }),
  reply: (a, o) => (o.stream ? cohereStream(cohereStreamFrames(native(a)), o.fragment) : cohereResponse(native(a))),
  error: (status, message) => cohereError(status, message),
  streamError: (text, message) => cohereStream(cohereStreamFrames({ text, error: message })),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.function.name),
    toolChoice,
    historyToolCalls: (r) => assistants(r).flatMap((m) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) }))),
    toolResults: (r) => r.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => ({ id: m.tool_call_id, content: resultText(m.content) })),
  },
  reasoning: {
    requested: (r) => r.body.thinking?.type === 'enabled',
    returnsText: true,
    signatures: false,
    replayed: (r) => assistants(r).filter((m) => m.tool_plan).map((m) => ({ text: m.tool_plan })),
  },
};

