import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

/** Anthropic stop_reason → canonical finish reason (native kept separately). Unknown values become `stop`. */
const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content_filter',
});

export function mapStopReason(native: string | null | undefined): FinishReason {
  if (native == null) return 'stop';
  return TABLE[native] ?? 'stop';
}
