import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

/** OpenAI Chat Completions finish_reason → canonical. Unknown values become `stop`. */
const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  // OpenAI-compatible hosts
  eos: 'stop',
  model_length: 'length',
  error: 'error',
  insufficient_system_resource: 'error',
});

export function mapFinishReason(native: string | null | undefined): FinishReason {
  if (native == null) return 'stop';
  return TABLE[native] ?? 'stop';
}
