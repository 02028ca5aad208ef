/**
 * Tool-call emulation for endpoints flagged `tools: emulated`: applied where the catalog builds
 * candidates, so routing, rendering and the model list see an ordinary tool-capable endpoint.
 */
import type { ModelConfig } from '../../config/types.js';
import type { EndpointConfig, ProviderAdapter } from '../types.js';
import { EMULATED_TOOL_PARAMETERS, emulateTools } from './adapter.js';

export { emulateTools, EMULATED_TOOL_PARAMETERS };

export const isEmulated = (e: EndpointConfig): boolean => e.tools === 'emulated';

/** The endpoint's adapter, wrapped when the endpoint emulates tools. */
export function adapterFor(endpoint: EndpointConfig, adapter: ProviderAdapter): ProviderAdapter {
  return isEmulated(endpoint) ? emulateTools(adapter) : adapter;
}

/**
 * The model as clients see it: emulated endpoints support tools, tool_choice and
 * parallel_tool_calls (whatever their upstream declares), and the model's union says so. The
 * same object when no endpoint emulates.
 */
export function withEmulatedTools(m: ModelConfig): ModelConfig {
  if (!m.endpoints.some(isEmulated)) return m;
  const endpoints = m.endpoints.map((e) => (isEmulated(e) ? { ...e, supported_parameters: [...new Set([...e.supported_parameters, ...EMULATED_TOOL_PARAMETERS])] } : e));
  return { ...m, endpoints, supported_parameters: [...new Set([...m.supported_parameters, ...EMULATED_TOOL_PARAMETERS])] };
}
