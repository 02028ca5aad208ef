import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

/**
 * Ollama `done_reason` → canonical. `load`/`unload` are answers to a model (un)load request with
 * no generation; they end cleanly. A reply that carried tool calls finishes with `tool_calls`.
 */
const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  stop: 'stop',
  length: 'length',
  load: 'stop',
  unload: 'stop',
});

export function mapFinishReason(native: string | null | undefined, hadToolCalls: boolean): FinishReason {
  const mapped = native == null ? 'stop' : TABLE[native] ?? 'stop';
  return hadToolCalls && mapped === 'stop' ? 'tool_calls' : mapped;
}
