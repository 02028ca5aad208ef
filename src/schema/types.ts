/**
 * The public OpenRouter-compatible API types: the contract with clients.
 * See ../shared/spec/openrouter-api.md. No non-standard fields live here.
 */

export type CacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' };

export type TextPart = { type: 'text'; text: string; cache_control?: CacheControl };
export type ImagePart = {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
  cache_control?: CacheControl;
};
export type FilePart = {
  type: 'file';
  file: { filename?: string; file_data?: string; file_id?: string };
  cache_control?: CacheControl;
};
export type AudioPart = { type: 'input_audio'; input_audio: { data: string; format: string } };
export type VideoPart = { type: 'video_url' | 'input_video'; video_url: { url: string } };
export type ContentPart = TextPart | ImagePart | FilePart | AudioPart | VideoPart;

export type ToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

export type ReasoningDetail =
  | { type: 'reasoning.text'; text?: string | null; signature?: string | null; id?: string | null; format?: string | null; index?: number }
  | { type: 'reasoning.summary'; summary: string; id?: string | null; format?: string | null; index?: number }
  | { type: 'reasoning.encrypted'; data: string; id?: string | null; format?: string | null; index?: number };

export type SystemMessage = { role: 'system' | 'developer'; content: string | TextPart[]; name?: string };
export type UserMessage = { role: 'user'; content: string | ContentPart[]; name?: string };
export type AssistantMessage = {
  role: 'assistant';
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  reasoning?: string | null;
  reasoning_content?: string | null;
  reasoning_details?: ReasoningDetail[];
  refusal?: string | null;
  cache_control?: CacheControl;
};
export type ToolMessage = {
  role: 'tool';
  tool_call_id: string;
  content: string | ContentPart[];
  name?: string;
  cache_control?: CacheControl;
};
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export type JsonSchema = Record<string, unknown>;

export type FunctionTool = {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean | null };
  cache_control?: CacheControl;
};

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ReasoningEffort = 'max' | 'xhigh' | 'high' | 'medium' | 'low' | 'minimal' | 'none';
export type ReasoningConfig = {
  effort?: ReasoningEffort;
  max_tokens?: number;
  exclude?: boolean;
  enabled?: boolean;
  summary?: string;
};

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: JsonSchema; strict?: boolean | null; description?: string } };

export type ProviderPreferences = {
  order?: string[];
  allow_fallbacks?: boolean;
  require_parameters?: boolean;
  data_collection?: 'allow' | 'deny';
  zdr?: boolean;
  only?: string[];
  ignore?: string[];
  quantizations?: string[];
  sort?: 'price' | 'throughput' | 'latency' | 'exacto' | { by?: string; partition?: string };
  max_price?: { prompt?: number | string; completion?: number | string; request?: number | string; image?: number | string };
  [k: string]: unknown;
};

/** The chat completions request body as clients send it. Unknown fields are tolerated. */
export interface ChatRequest {
  model: string;
  models?: string[];
  messages: Message[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean | null;
  reasoning?: ReasoningConfig;
  reasoning_effort?: ReasoningEffort;
  include_reasoning?: boolean;
  response_format?: ResponseFormat;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  repetition_penalty?: number | null;
  min_p?: number | null;
  top_a?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  user?: string;
  provider?: ProviderPreferences;
  [k: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost?: number;
  is_byok?: boolean;
  prompt_tokens_details?: { cached_tokens: number; cache_write_tokens?: number; audio_tokens?: number };
  completion_tokens_details?: { reasoning_tokens: number; audio_tokens?: number };
  cost_details?: { upstream_inference_cost?: number; upstream_inference_prompt_cost: number; upstream_inference_completions_cost: number };
}

export interface ResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  reasoning_details?: ReasoningDetail[];
  tool_calls?: ToolCall[];
}

export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  provider: string;
  system_fingerprint: string | null;
  choices: {
    index: number;
    finish_reason: FinishReason | null;
    native_finish_reason: string | null;
    logprobs: unknown;
    message: ResponseMessage;
  }[];
  usage: Usage;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  reasoning?: string | null;
  reasoning_details?: ReasoningDetail[];
  tool_calls?: ToolCallDelta[];
  refusal?: string | null;
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  provider: string;
  choices: { index: number; delta: ChunkDelta; finish_reason: FinishReason | null; native_finish_reason: string | null; logprobs?: unknown }[];
  usage?: Usage;
  error?: ErrorBody['error'];
}

export interface ErrorBody {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
}
