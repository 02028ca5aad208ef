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
