/** GET /api/v1/models, /models/count, /model/{author}/{slug}, /models/{author}/{slug}/endpoints. */
import type { ModelConfig } from '../config/types.js';
import type { Catalog, Candidate } from '../router/catalog.js';
import { GatewayError } from '../schema/errors.js';

function modality(m: ModelConfig): { modality: string; input_modalities: string[]; output_modalities: string[] } {
  const input = Array.isArray(m.input_modalities) ? (m.input_modalities as string[]) : ['text'];
  const output = Array.isArray(m.output_modalities) ? (m.output_modalities as string[]) : ['text'];
  return { modality: `${input.join('+')}->${output.join('+')}`, input_modalities: input, output_modalities: output };
}

function cheapest(m: ModelConfig) {
  let best = m.endpoints[0]!;
  for (const e of m.endpoints) if (Number(e.pricing.prompt) + Number(e.pricing.completion) < Number(best.pricing.prompt) + Number(best.pricing.completion)) best = e;
  return best;
}

export function modelObject(m: ModelConfig) {
  const best = cheapest(m);
  const p = best.pricing;
  const arch = modality(m);
  return {
    id: m.id,
    canonical_slug: typeof m.canonical_slug === 'string' ? m.canonical_slug : m.id,
    hugging_face_id: typeof m.hugging_face_id === 'string' ? m.hugging_face_id : null,
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.context_length,
    architecture: { ...arch, tokenizer: typeof m.tokenizer === 'string' ? m.tokenizer : 'Other', instruct_type: null },
    pricing: {
      prompt: p.prompt,
      completion: p.completion,
      request: p.request ?? '0',
      image: p.image ?? '0',
      web_search: '0',
      internal_reasoning: p.internal_reasoning ?? '0',
      input_cache_read: p.input_cache_read ?? '0',
      input_cache_write: p.input_cache_write ?? '0',
    },
    top_provider: {
      context_length: best.context_length ?? m.context_length,
      max_completion_tokens: best.max_completion_tokens ?? null,
      is_moderated: false,
    },
    per_request_limits: null,
    supported_parameters: m.supported_parameters,
    default_parameters: null,
    supported_voices: null,
    expiration_date: null,
    knowledge_cutoff: null,
    links: { details: `/api/v1/models/${m.id}/endpoints` },
  };
}

/** Filters and pages the catalog as the query asks. */
export function listModels(catalog: Catalog, query: URLSearchParams) {
  let models = [...catalog.models];
  const sp = query.get('supported_parameters');
  if (sp) {
    const need = sp.split(',').map((s) => s.trim()).filter(Boolean);
    models = models.filter((m) => need.every((p) => m.supported_parameters.includes(p) || (p === 'structured_outputs' && m.supported_parameters.includes('response_format'))));
  }
  const q = query.get('q');
  if (q) {
    const needle = q.toLowerCase();
    models = models.filter((m) => m.id.toLowerCase().includes(needle) || m.name.toLowerCase().includes(needle));
  }
  const total = models.length;
  const hasPaging = query.has('offset') || query.has('limit');
  let next: string | null = null;
  if (hasPaging) {
    const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 500) || 500));
    models = models.slice(offset, offset + limit);
    if (offset + limit < total) {
      const nq = new URLSearchParams(query);
      nq.set('offset', String(offset + limit));
      nq.set('limit', String(limit));
      next = `/api/v1/models?${nq.toString()}`;
    }
  }
  return { data: models.map(modelObject), total_count: total, links: { next } };
}

function endpointObject(m: ModelConfig, c: Candidate) {
  const e = c.endpoint;
  const params = e.supported_parameters;
  return {
    name: `${c.provider.name} | ${m.id}`,
    model_id: m.id,
    model_name: m.name,
    provider_name: c.provider.name,
    tag: c.provider.name,
    quantization: e.quantization ?? null,
    status: 0,
    context_length: e.context_length ?? m.context_length,
    max_completion_tokens: e.max_completion_tokens ?? null,
    max_prompt_tokens: null,
    pricing: { prompt: e.pricing.prompt, completion: e.pricing.completion, request: e.pricing.request ?? '0', image: e.pricing.image ?? '0' },
    supported_parameters: params,
    supports_implicit_caching: false,
    supports_tool_choice: { auto: params.includes('tools'), none: params.includes('tools'), required: params.includes('tool_choice'), function: params.includes('tool_choice') },
    uptime_last_5m: null,
    uptime_last_30m: null,
    uptime_last_1d: null,
    latency_last_30m: null,
    throughput_last_30m: null,
    ...(typeof e.tools === 'string' ? { notes: `tools: ${e.tools}` } : {}),
  };
}

export function modelEndpoints(catalog: Catalog, id: string) {
  const m = catalog.model(id);
  if (m === undefined) throw new GatewayError(404, `model "${id}" not found`, { metadata: { error_type: 'not_found' }, retryable: false });
  const arch = modality(m);
  return {
    data: {
      id: m.id,
      name: m.name,
      created: m.created,
      description: m.description,
      architecture: { ...arch, tokenizer: typeof m.tokenizer === 'string' ? m.tokenizer : 'Other', instruct_type: null },
      endpoints: catalog.endpointsOf(m).map((c) => endpointObject(m, c)),
    },
  };
}

export function oneModel(catalog: Catalog, id: string) {
  const m = catalog.model(id);
  if (m === undefined) throw new GatewayError(404, `model "${id}" not found`, { metadata: { error_type: 'not_found' }, retryable: false });
  return { data: modelObject(m) };
}
