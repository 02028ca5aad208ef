/** Shared inputs for the anthropic adapter's unit tests: an adapter context and a canonical request. */
import type { CanonicalRequest } from '../../../schema/canonical.js';
import { parseJsonWithRaw } from '../../../schema/raw-json.js';
import { validateChatRequest } from '../../../schema/validate.js';
import type { AdapterContext, EndpointConfig } from '../../types.js';

export function ctx(endpoint: Partial<EndpointConfig> = {}): AdapterContext {
  return {
    provider: { name: 'anthropic', type: 'anthropic', base_url: 'https://api.anthropic.com', api_key: 'sk-ant-test', headers: {}, timeout_ms: 60_000 },
    endpoint: { provider: 'anthropic', model: 'claude-sonnet-4-5', pricing: { prompt: '0', completion: '0' }, supported_parameters: [], ...endpoint },
    generationId: 'gen-1733000000-abcdefghijklmnopqrst',
  };
}

/** A validated canonical request from a public body (model and messages defaulted). */
export function canon(body: Record<string, unknown>): CanonicalRequest {
  return validateChatRequest({ model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }], ...body });
}

/** canon(), as the server builds it from the wire: parsed with its members' texts noted (schema/raw-json.ts). */
export function canonFromText(body: Record<string, unknown>): CanonicalRequest {
  const parsed = parseJsonWithRaw(JSON.stringify({ model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }], ...body }));
  return validateChatRequest(parsed.value, parsed.raw);
}

export const searchTool = {
  type: 'function' as const,
  function: {
    name: 'search_gutenberg_books',
    description: 'Search for books in the Project Gutenberg library',
    parameters: { type: 'object', properties: { search_terms: { type: 'array', items: { type: 'string' } } }, required: ['search_terms'] },
  },
};

export const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
