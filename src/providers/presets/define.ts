/**
 * An OpenAI-compatible preset: the OpenAI adapter (src/providers/openai/) plus a row of data
 * (default base URL, supported parameters, request options) and at most a few small quirk hooks.
 * No preset copies the OpenAI translation; each only says how its host differs.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { GatewayError } from '../../schema/errors.js';
import { OPENAI_SUPPORTED_PARAMETERS, openai } from '../openai/index.js';
import { buildOpenAIBody, chatCompletionsRequest, type OpenAIRequestOptions } from '../openai/request.js';
import { parseOpenAIResponse } from '../openai/response.js';
import { createOpenAIStreamParser } from '../openai/stream.js';
import type { AdapterContext, ProviderAdapter } from '../types.js';

export interface PresetDef extends OpenAIRequestOptions {
  /** The `type:` name in config. */
  type: string;
  defaultBaseUrl: string;
  supportedParameters: readonly string[];
  /** Rewrites the OpenAI body in place for the host (reasoning controls, history fields). */
  patchBody?(body: Record<string, unknown>, req: CanonicalRequest, ctx: AdapterContext): void;
  /** The host's error quirks; default: the OpenAI error parser. */
  parseError?: ProviderAdapter['parseError'];
  /** Keep the upstream's `reasoning_details` as they come (OpenRouter as an upstream). */
  upstreamReasoningDetails?: boolean;
}

/** Parameters every preset starts from (what Chat Completions hosts broadly take). */
export const COMMON_PARAMETERS = ['tools', 'tool_choice', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed', 'response_format'] as const;

export function definePreset(def: PresetDef): ProviderAdapter {
  const opts = { compatExtras: def.compatExtras, legacyMaxTokens: def.legacyMaxTokens };
  const parseOpts = { upstreamReasoningDetails: def.upstreamReasoningDetails === true };
  return {
    type: def.type,
    defaultBaseUrl: def.defaultBaseUrl,
    supportedParameters: def.supportedParameters,
    buildRequest(req, ctx) {
      const body = buildOpenAIBody(req, ctx, opts);
      def.patchBody?.(body, req, ctx);
      return chatCompletionsRequest(body, ctx, req);
    },
    parseResponse: (body, ctx) => parseOpenAIResponse(body, ctx, parseOpts),
    createStreamParser: (ctx, emit) => createOpenAIStreamParser(ctx, emit, parseOpts),
    parseError: def.parseError ?? openai.parseError,
  };
}

/** Every OpenAI parameter a fully compatible host takes, plus the sampling extras of open-model servers. */
export const ALL_COMPAT_PARAMETERS = [...OPENAI_SUPPORTED_PARAMETERS, 'top_k', 'min_p', 'top_a', 'repetition_penalty'] as const;

export type ErrorParser = (status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext) => GatewayError;
