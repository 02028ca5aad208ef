/**
 * OpenAI tools and tool_choice → Anthropic `tools` / `tool_choice`.
 *
 * | OpenAI                 | Anthropic                                   | while thinking                  |
 * |------------------------|---------------------------------------------|---------------------------------|
 * | (absent)               | omitted (`auto` + disable flag if parallel off) | same                        |
 * | "none"                 | `{type:"none"}` (tools kept: history uses them) | same                        |
 * | "auto"                 | `{type:"auto"}`                             | same                            |
 * | "required"             | `{type:"any"}`                              | `{type:"auto"}`                 |
 * | {function:{name}}      | `{type:"tool", name}`                       | `{type:"auto"}`, tools = [name] |
 *
 * Anthropic refuses forced tool use (`any`, `tool`) with extended thinking on; the downgrade is
 * the one the Vercel AI SDK makes. `parallel_tool_calls:false` → `disable_parallel_tool_use:true`
 * (not allowed on `none`).
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import { detachedCopy } from '../../schema/raw-json.js';
import { TextCache } from '../../schema/text-cache.js';
import type { FunctionTool } from '../../schema/types.js';
import type { Tool, ToolChoice } from './types.js';

const EMPTY_SCHEMA = { type: 'object', properties: {} } as const;

export interface MappedTools {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

export function mapTools(req: CanonicalRequest, thinking: boolean): MappedTools {
  if (req.tools === undefined) return {};
  let tools = req.tools;
  const choice = req.toolChoice;
  const noParallel = req.parallelToolCalls === false;
  let toolChoice: ToolChoice | undefined;
  switch (choice?.type) {
    case undefined:
      toolChoice = noParallel ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
      break;
    case 'none':
      toolChoice = { type: 'none' };
      break;
    case 'auto':
      toolChoice = auto(noParallel);
      break;
    case 'required':
      toolChoice = thinking ? auto(noParallel) : withParallel({ type: 'any' }, noParallel);
      break;
    case 'function':
      if (thinking) {
        tools = tools.filter((t) => t.function.name === choice.name);
        toolChoice = auto(noParallel);
      } else {
        toolChoice = withParallel({ type: 'tool', name: choice.name }, noParallel);
      }
      break;
  }
  const out: MappedTools = { tools: tools.map(mapTool) };
  if (toolChoice !== undefined) out.tool_choice = toolChoice;
  return out;
}

const auto = (noParallel: boolean): ToolChoice => withParallel({ type: 'auto' }, noParallel);

function withParallel(c: Exclude<ToolChoice, { type: 'none' }>, noParallel: boolean): ToolChoice {
  if (noParallel) c.disable_parallel_tool_use = true;
  return c;
}

/**
 * The JSON of the mapped tools. When they are the client's whole list (req.tools is the body's own
 * array, its text noted by schema/raw-json.ts, and none was left out), it is cached by that text:
 * agents send the same tools on every step, and serializing their schemas is most of what an
 * Anthropic body costs (bench request: ~6 of ~8 µs of JSON.stringify). Same text, same tools,
 * same JSON: the mapping reads nothing but the tools.
 */
export function toolsJson(req: CanonicalRequest, tools: readonly Tool[]): string {
  const raw = req.tools !== undefined && tools.length === req.tools.length ? req.raw?.of(req.tools) : undefined;
  if (raw === undefined || raw.length > TOOLS_TEXT_MAX) return JSON.stringify(tools);
  const known = toolsJsonCache.get(raw);
  if (known !== undefined) return known;
  const json = JSON.stringify(tools);
  // the key is a slice of the request body: a flat copy, so the cache does not keep whole bodies alive
  toolsJsonCache.set(detachedCopy(raw), json, raw.length + json.length);
  return json;
}

const TOOLS_TEXT_MAX = 64 * 1024;
/**
 * By their text, without hashing it (schema/text-cache.ts). Bounded by keys and values together,
 * in characters (UTF-16: twice that in bytes at most).
 */
const toolsJsonCache = new TextCache<string>({ maxEntries: 4096, maxChars: 4 * 1024 * 1024 });

/** One tool. The schema object is reused, not copied, when it already has `type: "object"`. */
export function mapTool(t: FunctionTool): Tool {
  const f = t.function;
  const params = f.parameters;
  const input_schema = (params == null ? EMPTY_SCHEMA : params.type === 'object' ? params : { ...params, type: 'object' }) as Tool['input_schema'];
  const tool: Tool = { name: f.name, input_schema };
  if (typeof f.description === 'string' && f.description !== '') tool.description = f.description;
  if (t.cache_control != null) tool.cache_control = t.cache_control.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: t.cache_control.ttl };
  return tool;
}
