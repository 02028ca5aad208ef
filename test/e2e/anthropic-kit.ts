/**
 * Shared setup for the anthropic end-to-end tests: a strict fake Anthropic API behind a real
 * Switchyard gateway, the two client SDKs pointed at it (unchanged, no retries), and readers that
 * fold each SDK's stream back into one message the way an application would (tool calls by
 * index, reasoning_details merged by index: text appended, signature replaced).
 */
import { OpenRouter } from '@openrouter/sdk';
import OpenAI from 'openai';
import { anthropicConfig, startFakeAnthropic, ANTHROPIC_KEY } from '../fakes/anthropic.js';
import type { FakeServer } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

export interface Kit {
  fake: FakeServer;
  gw: TestGateway;
  openai: OpenAI;
  openrouter: OpenRouter;
  close(): Promise<void>;
}

export async function startKit(over: Parameters<typeof anthropicConfig>[1] = {}): Promise<Kit> {
  const fake = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY });
  const gw = await startGateway(anthropicConfig(fake.url, over), {});
  return {
    fake,
    gw,
    openai: new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 }),
    openrouter: new OpenRouter({ apiKey: 'sk-client', serverURL: gw.baseURL, retryConfig: { strategy: 'none' } }),
    close: async () => {
      await gw.close();
      await fake.stop();
    },
  };
}

export interface Detail {
  type: string;
  text?: string;
  signature?: string;
  data?: string;
  format?: string | null;
  index?: number;
}

export interface Folded {
  content: string;
  reasoning: string;
  reasoningDetails: Detail[];
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  finishReason: string | null | undefined;
  nativeFinishReason: string | null | undefined;
  usage: any;
  error: { code: number; message: string; metadata?: Record<string, unknown> } | undefined;
  chunks: number;
  /** `role` appeared on the first delta only. */
  roleOnFirstDeltaOnly: boolean;
}

/** Merges reasoning_details fragments by index (text appended, signature replaced), as clients do. */
export function mergeDetails(into: Detail[], fragments: Detail[] | undefined): void {
  for (const f of fragments ?? []) {
    const at = into.find((d) => d.index === f.index && d.type === f.type);
    if (at === undefined) {
      into.push({ ...f });
      continue;
    }
    if (f.text) at.text = (at.text ?? '') + f.text;
    if (f.signature) at.signature = f.signature;
    if (f.data) at.data = f.data;
  }
}

type AnyChunk = Record<string, any>;

function fold(chunks: AsyncIterable<AnyChunk>, camel: boolean): Promise<Folded> {
  const k = (snake: string, camelName: string) => (camel ? camelName : snake);
  return (async () => {
    const out: Folded = { content: '', reasoning: '', reasoningDetails: [], toolCalls: [], finishReason: undefined, nativeFinishReason: undefined, usage: undefined, error: undefined, chunks: 0, roleOnFirstDeltaOnly: true };
    let first = true;
    for await (const c of chunks) {
      out.chunks++;
      if (c.error) out.error = c.error;
      if (c.usage) out.usage = c.usage;
      const ch = c.choices?.[0];
      if (!ch) continue;
      const d = ch.delta ?? {};
      if (d.role !== undefined && !first) out.roleOnFirstDeltaOnly = false;
      if (first && d.role !== 'assistant') out.roleOnFirstDeltaOnly = false;
      first = false;
      if (typeof d.content === 'string') out.content += d.content;
      if (typeof d.reasoning === 'string') out.reasoning += d.reasoning;
      mergeDetails(out.reasoningDetails, d[k('reasoning_details', 'reasoningDetails')]);
      for (const tc of d[k('tool_calls', 'toolCalls')] ?? []) {
        let call = out.toolCalls[tc.index];
        if (call === undefined) {
          call = { id: tc.id, type: 'function', function: { name: tc.function?.name ?? '', arguments: '' } };
          out.toolCalls[tc.index] = call;
        }
        if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
      }
      const fr = ch[k('finish_reason', 'finishReason')];
      if (fr != null) out.finishReason = fr;
      const nfr = ch[k('native_finish_reason', 'nativeFinishReason')];
      if (nfr != null) out.nativeFinishReason = nfr;
    }
    return out;
  })();
}

export const foldOpenAI = (s: AsyncIterable<unknown>) => fold(s as AsyncIterable<AnyChunk>, false);
export const foldOpenRouter = (s: AsyncIterable<unknown>) => fold(s as AsyncIterable<AnyChunk>, true);

/** A second seed-style tool, for multi-step loops: look a book up by id. */
export const getBookTool = {
  type: 'function' as const,
  function: {
    name: 'get_book_details',
    description: 'Get the details (subjects, download count) of a Project Gutenberg book by id',
    parameters: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  },
};

export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
