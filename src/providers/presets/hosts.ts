/**
 * The OpenAI-compatible presets, one row each: `type:` name, default base URL, what its endpoints
 * accept, how the token limit is spelled, and the host's quirk hooks. See docs in each hook file.
 */
import { ALL_COMPAT_PARAMETERS, COMMON_PARAMETERS, definePreset, type PresetDef } from './define.js';
import { patchDeepSeek } from './deepseek.js';
import { parseGroqError } from './groq.js';
import { patchOpenRouter } from './openrouter.js';
import { clampEffort, lowHighEffort } from './reasoning.js';

const REASONING = ['reasoning', 'reasoning_effort', 'include_reasoning'] as const;

export const PRESET_DEFS: PresetDef[] = [
  {
    // no logprobs / logit_bias / n>1 (400 on Groq); malformed tool JSON is a 400 tool_use_failed
    type: 'groq',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    supportedParameters: [...COMMON_PARAMETERS, 'parallel_tool_calls', 'frequency_penalty', 'presence_penalty', 'structured_outputs', ...REASONING],
    compatExtras: false,
    legacyMaxTokens: false,
    patchBody: (b) => clampEffort(b),
    parseError: parseGroqError,
  },
  {
    type: 'together',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    supportedParameters: [...COMMON_PARAMETERS, 'parallel_tool_calls', 'frequency_penalty', 'presence_penalty', 'top_k', 'min_p', 'repetition_penalty', 'logit_bias', 'logprobs', 'structured_outputs', ...REASONING],
    compatExtras: true,
    legacyMaxTokens: true,
    patchBody: (b) => clampEffort(b),
  },
  {
    type: 'fireworks',
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
    supportedParameters: [...COMMON_PARAMETERS, 'parallel_tool_calls', 'frequency_penalty', 'presence_penalty', 'top_k', 'min_p', 'repetition_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'structured_outputs', ...REASONING],
    compatExtras: true,
    legacyMaxTokens: true,
    patchBody: (b) => clampEffort(b),
  },
  {
    // thinking:{type} instead of reasoning_effort; reasoning_content echoed on tool-call turns
    type: 'deepseek',
    defaultBaseUrl: 'https://api.deepseek.com',
    supportedParameters: [...COMMON_PARAMETERS.filter((p) => p !== 'seed'), 'frequency_penalty', 'presence_penalty', 'logprobs', 'top_logprobs', ...REASONING],
    compatExtras: false,
    legacyMaxTokens: true,
    patchBody: patchDeepSeek,
  },
  {
    // reasoning_effort only low|high (grok-3-mini); grok-4 reasons always and ignores it
    type: 'xai',
    defaultBaseUrl: 'https://api.x.ai/v1',
    supportedParameters: [...COMMON_PARAMETERS, 'parallel_tool_calls', 'logprobs', 'top_logprobs', 'structured_outputs', ...REASONING],
    compatExtras: false,
    legacyMaxTokens: false,
    patchBody: (b) => lowHighEffort(b),
  },
  {
    // the same dialect as ours: reasoning, reasoning_details, provider preferences pass through
    type: 'openrouter',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    supportedParameters: [...ALL_COMPAT_PARAMETERS, 'web_search_options'],
    compatExtras: true,
    legacyMaxTokens: true,
    patchBody: patchOpenRouter,
    upstreamReasoningDetails: true,
  },
  {
    // reasoning arrives as reasoning_content (older) or reasoning (newer): the parser takes both
    type: 'vllm',
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    supportedParameters: ALL_COMPAT_PARAMETERS,
    compatExtras: true,
    legacyMaxTokens: true,
  },
  {
    // llama-server (--jinja for tools); reasoning_content with --reasoning-format deepseek
    type: 'llamacpp',
    defaultBaseUrl: 'http://127.0.0.1:8080/v1',
    supportedParameters: ALL_COMPAT_PARAMETERS,
    compatExtras: true,
    legacyMaxTokens: true,
  },
];

export const presets = PRESET_DEFS.map(definePreset);
