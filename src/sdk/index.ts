/**
 * `switchyard/sdk`: a fetch client for Switchyard's API and the agent loop.
 *
 *   import { Switchyard } from 'switchyard/sdk';
 *   const sy = new Switchyard({ baseURL: 'http://127.0.0.1:8080/api/v1' });
 *   const run = await sy.runTools({ model, messages, tools: [{ name, description, parameters, run }] });
 */
export { Switchyard, DEFAULT_BASE_URL, type SwitchyardOptions, type RequestOptions, type ChatStream, type ModelInfo, type ListModelsOptions } from './client.js';
export { runTools, type ChatClient, type RunToolsOptions, type RunToolsResult, type RunToolsEvent, type StepRecord, type ToolCallRecord, type RunUsage } from './run-tools.js';
export { checkArguments, toolDefinition, type Tool, type ToolContext } from './tools.js';
export { ToolCallAccumulator, MessageAccumulator, accumulateToolCalls, mergeReasoningDetail, type DeltaEvent } from './accumulate.js';
export { SseParser, parseSse, type SseMessage } from './sse.js';
export { SwitchyardError } from './errors.js';
export type * from '../schema/types.js';
