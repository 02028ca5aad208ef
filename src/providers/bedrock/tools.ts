/**
 * tools / tool_choice / parallel_tool_calls → Converse `toolConfig` (+ Anthropic's native
 * tool_choice in additionalModelRequestFields).
 *
 * | OpenAI          | Converse                                                        |
 * |-----------------|-----------------------------------------------------------------|
 * | auto            | toolChoice {auto:{}}                                            |
 * | required        | toolChoice {any:{}}                                             |
 * | named           | toolChoice {tool:{name}}                                        |
 * | none            | no toolConfig; when the history holds toolUse/toolResult blocks |
 * |                 | (then Bedrock requires toolConfig) the tools stay, no toolChoice |
 * | parallel false  | Anthropic models: additionalModelRequestFields.tool_choice with  |
 * |                 | disable_parallel_tool_use instead of toolChoice; others: ignored |
 *
 * Anthropic models with thinking accept only auto: required → auto, named → auto with the tool
 * list cut to that tool (as the AI SDK does). Without tools but with tool blocks in the history,
 * stub tools (permissive schema) are declared for the names the history uses. With `caching`, a
 * tool's `cache_control` becomes a cachePoint after it.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { FunctionTool } from '../../schema/types.js';
import type { ModelFamily } from './config.js';
import { cachePoint } from './messages.js';
import type { JsonObject, ToolChoice, ToolEntry, ToolSpec } from './types.js';

export interface ToolPlan {
  toolConfig?: { tools: ToolEntry[]; toolChoice?: ToolChoice };
  /** Anthropic-native tool_choice for additionalModelRequestFields. */
  anthropicToolChoice?: JsonObject;
}

export function planTools(req: CanonicalRequest, family: ModelFamily, thinking: boolean, historyToolNames: readonly string[], caching = false): ToolPlan {
  let tools = req.tools ?? [];
  let choice = req.toolChoice ?? (tools.length > 0 ? { type: 'auto' as const } : undefined);
  const needConfig = historyToolNames.length > 0;
  if (tools.length === 0) {
    return needConfig ? { toolConfig: { tools: historyToolNames.map(stubTool) } } : {};
  }
  const specs = (list: readonly FunctionTool[]): ToolEntry[] => list.flatMap((t) => [toolSpec(t), ...(caching ? cachePoint(t.cache_control) : [])]);
  if (choice?.type === 'none') return needConfig ? { toolConfig: { tools: specs(tools) } } : {};
  if (family === 'anthropic' && thinking && choice !== undefined && choice.type !== 'auto') {
    if (choice.type === 'function') {
      const name = choice.name;
      tools = tools.filter((t) => t.function.name === name);
    }
    choice = { type: 'auto' };
  }
  const entries = specs(tools);
  if (family === 'anthropic' && req.parallelToolCalls === false && choice !== undefined) {
    const native: JsonObject =
      choice.type === 'required' ? { type: 'any' } : choice.type === 'function' ? { type: 'tool', name: choice.name } : { type: 'auto' };
    native.disable_parallel_tool_use = true;
    return { toolConfig: { tools: entries }, anthropicToolChoice: native };
  }
  const toolChoice: ToolChoice | undefined =
    choice === undefined ? undefined : choice.type === 'required' ? { any: {} } : choice.type === 'function' ? { tool: { name: choice.name } } : { auto: {} };
  return { toolConfig: toolChoice === undefined ? { tools: entries } : { tools: entries, toolChoice } };
}

export function toolSpec(t: FunctionTool): ToolSpec {
  const spec: ToolSpec['toolSpec'] = { name: t.function.name, inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } } };
  if (t.function.description) spec.description = t.function.description;
  return { toolSpec: spec };
}

function stubTool(name: string): ToolSpec {
  return { toolSpec: { name, description: 'A tool used earlier in this conversation.', inputSchema: { json: { type: 'object' } } } };
}
