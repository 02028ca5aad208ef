/** The conformance suite for the `anthropic` adapter (Messages API) against the strict Anthropic wire fake. */
import { anthropicError, message, startFakeAnthropic, stream, streamFrames, type FakeBlock } from '../fakes/anthropic.js';
import type { RecordedRequest } from '../fakes/harness.js';
import { runConformance, type Answer, type ProviderKit, type ToolChoiceView } from './suite.js';

const ERROR_TYPE: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error' };

function blocksOf(a: Answer): FakeBlock[] {
  const out: FakeBlock[] = [];
  if (a.reasoning) out.push({ type: 'thinking', thinking: a.reasoning.text, signature: a.reasoning.signature });
  if (a.text !== undefined) out.push({ type: 'text', text: a.text });
  for (const c of a.toolCalls ?? []) out.push({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments), fragments: c.fragments });
  return out;
}

const content = (r: RecordedRequest, role: string): any[] => r.body.messages.filter((m: any) => m.role === role).flatMap((m: any) => (typeof m.content === 'string' ? [] : m.content));

function toolChoice(r: RecordedRequest): ToolChoiceView | undefined {
  const c = r.body.tool_choice;
  if (c === undefined) return r.body.tools === undefined ? undefined : 'auto';
  return c.type === 'any' ? 'required' : c.type === 'tool' ? { name: c.name } : c.type;
}

const kit: ProviderKit = {
  name: 'anthropic',
  model: 'claude-sonnet-4-5',
  startFake: () => startFakeAnthropic({ apiKey: 'sk-ant-conformance' }),
  provider: (url) => ({ type: 'anthropic', base_url: url, api_key: 'sk-ant-conformance' }),
  reply(a, o) {
    const usage = a.usage && { input_tokens: a.usage.prompt, output_tokens: a.usage.completion };
    return o.stream ? stream(streamFrames(blocksOf(a), { usage }), { fragment: o.fragment }) : message(blocksOf(a), { usage });
  },
  error: (status, msg) => anthropicError(ERROR_TYPE[status] ?? 'api_error', msg, { status }),
  inspect: {
    stream: (r) => r.body.stream === true,
    toolNames: (r) => (r.body.tools ?? []).map((t: any) => t.name),
    toolChoice,
    parallelToolCalls: (r) => (r.body.tool_choice?.disable_parallel_tool_use === true ? false : undefined),
    historyToolCalls: (r) => content(r, 'assistant').filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, args: b.input })),
    toolResults: (r) =>
      content(r, 'user')
        .filter((b) => b.type === 'tool_result')
        .map((b) => ({ id: b.tool_use_id, content: typeof b.content === 'string' ? b.content : (b.content ?? []).map((x: any) => x.text ?? '').join('') })),
  },
  reasoning: {
    requested: (r) => r.body.thinking?.type === 'enabled',
    returnsText: true,
    signatures: true,
    replayed: (r) => content(r, 'assistant').filter((b) => b.type === 'thinking').map((b) => ({ text: b.thinking, signature: b.signature })),
  },
};

runConformance(kit);
