/**
 * Canonical request → Ollama native `POST /api/chat` body.
 *
 * Ollama has no tool_choice: `none` sends no tools (the history may still hold calls and results),
 * `required` and a named choice are best effort: a named choice sends only that tool, and both
 * add one sentence to the system prompt asking for the call. Tool results carry `tool_name`
 * (Ollama has no tool_call_id), recovered from the assistant call they answer.
 */
import type { CanonicalRequest, NormalizedReasoning, NormalizedToolChoice } from '../../schema/canonical.js';
import { badRequest } from '../../schema/errors.js';
import type { ContentPart, FunctionTool, Message, ReasoningDetail } from '../../schema/types.js';
import { parseDataUrl, textOfContent } from '../shared/content.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';

export interface OllamaToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  thinking?: string;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
}

/** OpenAI-style sampling parameter → Ollama `options` key. */
const OPTIONS: [string, string][] = [
  ['temperature', 'temperature'],
  ['top_p', 'top_p'],
  ['top_k', 'top_k'],
  ['min_p', 'min_p'],
  ['seed', 'seed'],
  ['frequency_penalty', 'frequency_penalty'],
  ['presence_penalty', 'presence_penalty'],
  ['repetition_penalty', 'repeat_penalty'],
];

export function buildOllamaBody(req: CanonicalRequest, ctx: AdapterContext): Record<string, unknown> {
  const src = req.body as Record<string, unknown>;
  const messages = mapMessages(req.messages);
  const body: Record<string, unknown> = { model: ctx.endpoint.model, messages, stream: req.stream };
  const tools = selectTools(req.tools, req.toolChoice);
  if (tools !== undefined) body.tools = tools;
  const directive = toolChoiceDirective(req.toolChoice);
  if (directive !== undefined && tools !== undefined) addToSystem(messages, directive);
  const think = thinkFor(req.reasoning);
  if (think !== undefined) body.think = think;
  const options: Record<string, unknown> = {};
  for (const [from, to] of OPTIONS) if (src[from] != null) options[to] = src[from];
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  if (req.stop !== undefined) options.stop = req.stop;
  const numCtx = ctx.endpoint.num_ctx ?? ctx.provider.num_ctx;
  if (typeof numCtx === 'number') options.num_ctx = numCtx;
  if (Object.keys(options).length > 0) body.options = options;
  const format = formatFor(src.response_format);
  if (format !== undefined) body.format = format;
  const keepAlive = ctx.provider.keep_alive;
  if (typeof keepAlive === 'string' || typeof keepAlive === 'number') body.keep_alive = keepAlive;
  return body;
}

export function buildOllamaRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...ctx.provider.headers };
  if (ctx.provider.api_key) headers.authorization = `Bearer ${ctx.provider.api_key}`;
  return { method: 'POST', url: `${ctx.provider.base_url}/api/chat`, headers, body: JSON.stringify(buildOllamaBody(req, ctx)) };
}

/** reasoning → `think`: true/false, or a level for models that take one (gpt-oss). */
export function thinkFor(r: NormalizedReasoning | undefined): boolean | 'low' | 'medium' | 'high' | undefined {
  if (r === undefined) return undefined;
  if (!r.enabled) return false;
  switch (r.effort) {
    case 'max': case 'xhigh': case 'high': return 'high';
    case 'medium': return 'medium';
    case 'low': case 'minimal': return 'low';
    default: return true;
  }
}

function selectTools(tools: FunctionTool[] | undefined, choice: NormalizedToolChoice | undefined) {
  if (tools === undefined || choice?.type === 'none') return undefined;
  const chosen = choice?.type === 'function' ? tools.filter((t) => t.function.name === choice.name) : tools;
  return chosen.map((t) => {
    const f: Record<string, unknown> = { name: t.function.name };
    if (t.function.description !== undefined) f.description = t.function.description;
    f.parameters = t.function.parameters ?? { type: 'object', properties: {} };
    return { type: 'function', function: f };
  });
}

export function toolChoiceDirective(choice: NormalizedToolChoice | undefined): string | undefined {
  if (choice?.type === 'required') return 'You must call one of the provided tools in your reply.';
  if (choice?.type === 'function') return `You must call the tool "${choice.name}" in your reply.`;
  return undefined;
}

function addToSystem(messages: OllamaMessage[], text: string): void {
  const first = messages[0];
  if (first?.role === 'system') messages[0] = { ...first, content: first.content === '' ? text : `${first.content}\n\n${text}` };
  else messages.unshift({ role: 'system', content: text });
}

function formatFor(rf: unknown): unknown {
  const f = rf as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (f?.type === 'json_object') return 'json';
  if (f?.type === 'json_schema') return f.json_schema?.schema ?? 'json';
  return undefined;
}

function mapMessages(messages: Message[]): OllamaMessage[] {
  const names = new Map<string, string>();
  return messages.map((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOfContent(m.content, '\n') };
      case 'user':
        return userMessage(m.content, i);
      case 'assistant': {
        const out: OllamaMessage = { role: 'assistant', content: textOfContent(m.content ?? null, '\n') };
        const thinking = m.reasoning ?? m.reasoning_content ?? reasoningText(m.reasoning_details);
        if (thinking) out.thinking = thinking;
        if (m.tool_calls !== undefined && m.tool_calls.length > 0) {
          out.tool_calls = m.tool_calls.map((tc) => {
            names.set(tc.id, tc.function.name);
            const parsed = parseToolArguments(tc.function.arguments);
            // history the model wrote itself may hold broken JSON: keep it visible rather than fail
            return { function: { name: tc.function.name, arguments: parsed.ok ? parsed.value : { _raw: tc.function.arguments } } };
          });
        }
        return out;
      }
      case 'tool': {
        const out: OllamaMessage = { role: 'tool', content: textOfContent(m.content, '\n') };
        const name = names.get(m.tool_call_id) ?? m.name;
        if (name !== undefined) out.tool_name = name;
        return out;
      }
    }
  });
}

function userMessage(content: string | ContentPart[], i: number): OllamaMessage {
  if (typeof content === 'string') return { role: 'user', content };
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((p, j) => {
    if (p.type === 'text') texts.push(p.text);
    else if (p.type === 'image_url') {
      const d = parseDataUrl(p.image_url.url);
      if (d === undefined) throw badRequest(`messages[${i}].content[${j}]: Ollama takes images inline only; send a data: URL (base64), not a remote URL`);
      images.push(d.data);
    } else throw badRequest(`messages[${i}].content[${j}]: content of type "${p.type}" is not supported by Ollama`);
  });
  const out: OllamaMessage = { role: 'user', content: texts.join('\n') };
  if (images.length > 0) out.images = images;
  return out;
}

function reasoningText(details: ReasoningDetail[] | undefined): string | undefined {
  if (details === undefined) return undefined;
  const text = details.map((d) => (d.type === 'reasoning.text' ? d.text ?? '' : d.type === 'reasoning.summary' ? d.summary : '')).join('');
  return text === '' ? undefined : text;
}
