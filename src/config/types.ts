import type { EndpointConfig, ProviderConfig } from '../providers/types.js';

export interface ModelConfig {
  id: string;
  name: string;
  description: string;
  context_length: number | null;
  created: number;
  /** Union of the endpoints' supported parameters (what /models reports). */
  supported_parameters: string[];
  endpoints: EndpointConfig[];
  [key: string]: unknown;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest accepted request body, bytes. */
  body_limit: number;
  /** Interval of `: SWITCHYARD PROCESSING` comments while a stream waits for its first byte, ms. */
  stream_keepalive_ms: number;
}

export interface Config {
  /** Where it came from, for messages. */
  source: string;
  master_key: string | undefined;
  server: ServerConfig;
  providers: Map<string, ProviderConfig>;
  models: ModelConfig[];
  /** Sections later features read (storage, state, …), as written. */
  raw: Record<string, unknown>;
}
