import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

/** Converse `stopReason` (SDK enum StopReason) → canonical. Unknown values become `stop`. */
const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
});

export function mapStopReason(native: string | null | undefined): FinishReason {
  return native == null ? 'stop' : TABLE[native] ?? 'stop';
}
