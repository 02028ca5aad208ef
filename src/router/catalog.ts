/** The model catalog: model ids → their configured endpoints, providers and adapters. */
import type { Config, ModelConfig } from '../config/types.js';
import { adapterFor, withEmulatedTools } from '../providers/emulated/index.js';
import { getAdapter } from '../providers/index.js';
import type { EndpointConfig, ProviderAdapter, ProviderConfig } from '../providers/types.js';

export interface Candidate {
  model: ModelConfig;
  endpoint: EndpointConfig;
  provider: ProviderConfig;
  adapter: ProviderAdapter;
}

export class Catalog {
  private readonly byId = new Map<string, ModelConfig>();
  private readonly candidates = new Map<string, Candidate[]>();
  /** The configured models, with `tools: emulated` endpoints shown as tool-capable. */
  private readonly list: readonly ModelConfig[];

  constructor(readonly config: Config) {
    this.list = config.models.map(withEmulatedTools);
    for (const m of this.list) {
      this.byId.set(m.id, m);
      this.candidates.set(
        m.id,
        m.endpoints.map((endpoint) => {
          const provider = config.providers.get(endpoint.provider)!;
          return { model: m, endpoint, provider, adapter: adapterFor(endpoint, getAdapter(provider.type)!) };
        }),
      );
    }
  }

  get models(): readonly ModelConfig[] {
    return this.list;
  }

  /** Looks a model up by id; a `:variant` suffix (`:free`, `:nitro`, …) falls back to the base id. */
  model(id: string): ModelConfig | undefined {
    const m = this.byId.get(id);
    if (m !== undefined) return m;
    const colon = id.lastIndexOf(':');
    return colon > 0 ? this.byId.get(id.slice(0, colon)) : undefined;
  }

  /** Every endpoint of a model, in config order. */
  endpointsOf(model: ModelConfig): readonly Candidate[] {
    return this.candidates.get(model.id) ?? [];
  }
}
