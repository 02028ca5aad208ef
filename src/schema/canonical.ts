/**
 * The canonical shapes between provider adapters and the edge.
 *
 * Request: the validated public ChatRequest (OpenAI/OpenRouter shape is the richest of all the
 * formats we translate, so it is the lingua franca) plus a few fields normalised once by the
 * server (`CanonicalRequest`). Adapters read it; they never mutate it.
 *
 * Response: a `CanonicalResponse` (non-streaming) or a sequence of small `StreamEvent`s; the
 * edge renders both into OpenRouter JSON / SSE (src/server/render.ts).
 */
import type { RawMembers } from './raw-json.js';
import type { ChatRequest, FinishReason, FunctionTool, Message, ReasoningDetail, ToolCall } from './types.js';

export type NormalizedToolChoice =
  | { type: 'none' }
  | { type: 'auto' }
  | { type: 'required' }
  | { type: 'function'; name: string };

export interface NormalizedReasoning {
  /** Reasoning was asked for (effort other than none, a budget, or enabled:true). */
  enabled: boolean;
  effort?: 'max' | 'xhigh' | 'high' | 'medium' | 'low' | 'minimal' | 'none';
  maxTokens?: number;
  /** Reason, but leave the reasoning out of the response. */
  exclude: boolean;
}

export interface CanonicalRequest {
  /** The public body as received (validated). `model` is the client's id, not the upstream's. */
  body: ChatRequest;
  messages: Message[];
  tools: FunctionTool[] | undefined;
  toolChoice: NormalizedToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  /** Undefined when the request said nothing about reasoning. */
  reasoning: NormalizedReasoning | undefined;
  /** max_completion_tokens ?? max_tokens. */
  maxTokens: number | undefined;
  /** stop as an array. */
  stop: string[] | undefined;
  stream: boolean;
  /** The body's own text of its top-level members, for splicing unchanged ones into an upstream body. */
  raw?: RawMembers;
}

export interface CanonicalUsage {
  promptTokens: number;
  completionTokens: number;
  /** Tokens read from a prompt cache (counted inside promptTokens). */
  cachedTokens?: number;
  /** Tokens written to a prompt cache (counted inside promptTokens). */
  cacheWriteTokens?: number;
  /** Reasoning tokens (counted inside completionTokens). */
  reasoningTokens?: number;
}

export interface CanonicalResponse {
  /** Upstream's own response id, if any. */
  upstreamId?: string;
  content: string | null;
  reasoning?: string | null;
  reasoningDetails?: ReasoningDetail[];
  toolCalls: ToolCall[];
  refusal?: string | null;
  finishReason: FinishReason;
  nativeFinishReason: string | null;
  usage?: CanonicalUsage;
}

/**
 * One step of a stream. `index` on tool-call events is the adapter's own key for the call (an
 * upstream block index, a counter): the renderer numbers calls densely 0, 1, 2… in order of first
 * appearance, so adapters never have to.
 */
export type StreamEvent =
  | { type: 'meta'; upstreamId?: string }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text?: string; detail?: ReasoningDetail }
  | { type: 'refusal'; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  | { type: 'finish'; reason: FinishReason; native: string | null }
  | { type: 'usage'; usage: CanonicalUsage }
  | { type: 'error'; error: import('./errors.js').GatewayError };
