import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

/** Cohere `finish_reason` (SDK ChatFinishReason) → canonical. Unknown values become `stop`. */
const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR: 'error',
  TIMEOUT: 'error',
});

export function mapCohereFinish(native: string | null | undefined): FinishReason {
  return native == null ? 'stop' : TABLE[native] ?? 'stop';
}
