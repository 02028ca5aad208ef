/**
 * The subset of the Bedrock Converse wire format Switchyard speaks, as JSON on the wire
 * (field names checked against @aws-sdk/client-bedrock-runtime 3.1164 `models_0.d.ts`).
 */
export type JsonObject = Record<string, unknown>;

export type ContentBlock =
  | { text: string }
  | { image: { format: string; source: { bytes: string } } }
  | { document: { format: string; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: JsonObject } }
  | { toolResult: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' } }
  | { reasoningContent: ReasoningContent }
  | CachePoint;

/** A prompt-cache breakpoint (Claude and Nova): everything before it is cached. */
export type CachePoint = { cachePoint: { type: 'default'; ttl?: '5m' | '1h' } };

export type ToolResultContent = { text: string } | { json: JsonObject };

export type ReasoningContent = { reasoningText: { text: string; signature?: string } } | { redactedContent: string };

export interface Message {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: JsonObject } };
}

export type ToolEntry = ToolSpec | CachePoint;

export type ToolChoice = { auto: JsonObject } | { any: JsonObject } | { tool: { name: string } };

export interface ConverseBody {
  messages: Message[];
  system?: ({ text: string } | CachePoint)[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: ToolEntry[]; toolChoice?: ToolChoice };
  additionalModelRequestFields?: JsonObject;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output?: { message?: { role?: string; content?: ResponseBlock[] } };
  stopReason?: string;
  usage?: TokenUsage;
}

export interface ResponseBlock {
  text?: string;
  toolUse?: { toolUseId?: string; name?: string; input?: unknown };
  reasoningContent?: { reasoningText?: { text?: string; signature?: string }; redactedContent?: string };
}

/** reasoning_details `format` for Bedrock reasoning: Anthropic's (OpenRouter reports Bedrock Claude this way). */
export { REASONING_FORMAT } from '../anthropic/types.js';
