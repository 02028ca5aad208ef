/** An adapter context and a canonical request for the Gemini unit tests. */
import type { CanonicalRequest } from '../../../schema/canonical.js';
import type { ChatRequest } from '../../../schema/types.js';
import type { AdapterContext } from '../../types.js';

export const ctx = {
  provider: { name: 'gem', type: 'gemini', base_url: 'https://generativelanguage.googleapis.com', api_key: 'g-key', headers: {}, timeout_ms: 1000 },
  endpoint: { provider: 'gem', model: 'gemini-2.5-flash', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'gen-1733000000-abcdefghijklmnop',
} as AdapterContext;

/** A CanonicalRequest with the normalised fields filled the way validate.ts fills them. */
export function canonical(body: Partial<ChatRequest>, over: Partial<CanonicalRequest> = {}): CanonicalRequest {
  const full = { model: 'google/gemini', messages: [{ role: 'user', content: 'hi' }], ...body } as ChatRequest;
  return {
    body: full,
    messages: full.messages,
    tools: full.tools,
    toolChoice: undefined,
    parallelToolCalls: undefined,
    reasoning: undefined,
    maxTokens: full.max_completion_tokens ?? full.max_tokens ?? undefined,
    stop: full.stop == null ? undefined : Array.isArray(full.stop) ? full.stop : [full.stop],
    stream: full.stream === true,
    ...over,
  };
}
