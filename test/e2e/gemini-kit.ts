/**
 * Shared setup for the Gemini end-to-end tests: the strict fake Gemini API behind a real
 * Switchyard gateway, the `openai` SDK pointed at it (unchanged, no retries), and a reader that
 * folds an SDK stream back into one assistant message the way an application does (tool calls
 * by index, reasoning_details merged by index: text appended, signature kept).
 */
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { FakeServer } from '../fakes/harness.js';
import { GEMINI_KEY, geminiConfig, startFakeGemini, type GeminiFakeOptions } from '../fakes/gemini.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

export interface Kit {
  fake: FakeServer;
  gw: TestGateway;
  client: OpenAI;
  close(): Promise<void>;
}

export async function startKit(fakeOpts: GeminiFakeOptions = {}, over: Parameters<typeof geminiConfig>[1] = {}): Promise<Kit> {
  const fake = await startFakeGemini({ apiKey: GEMINI_KEY, ...fakeOpts });
  const gw = await startGateway(geminiConfig(fake.url, over), {});
  return {
    fake,
    gw,
    client: new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 }),
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
  id?: string;
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
  error: any;
}

/** Reads an openai-SDK stream to the end and folds it into one message. */
export async function fold(stream: AsyncIterable<ChatCompletionChunk>): Promise<Folded> {
  const out: Folded = { content: '', reasoning: '', reasoningDetails: [], toolCalls: [], finishReason: undefined, nativeFinishReason: undefined, usage: undefined, error: undefined };
  try {
    await readInto(out, stream);
  } catch (e) {
    // the SDK throws on a chunk that carries `error` (OpenRouter's mid-stream error): keep what came before
    const err = e as { status?: number; message?: string; error?: unknown };
    if (err.status === undefined && err.error === undefined) throw e;
    out.error = { code: err.status, message: err.message, ...(typeof err.error === 'object' ? err.error : {}) };
    out.finishReason ??= 'error';
  }
  return out;
}

async function readInto(out: Folded, stream: AsyncIterable<ChatCompletionChunk>): Promise<void> {
  for await (const chunk of stream) {
    const c = chunk as any;
    if (c.error) out.error = c.error;
    if (c.usage) out.usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) continue;
    const d = choice.delta ?? {};
    if (typeof d.content === 'string') out.content += d.content;
    if (typeof d.reasoning === 'string') out.reasoning += d.reasoning;
    for (const det of (d.reasoning_details ?? []) as Detail[]) {
      const same = out.reasoningDetails.find((x) => x.index === det.index && x.type === det.type);
      if (same === undefined) out.reasoningDetails.push({ ...det });
      else {
        if (det.text) same.text = (same.text ?? '') + det.text;
        if (det.signature) same.signature = det.signature;
      }
    }
    for (const tc of d.tool_calls ?? []) {
      const cur = (out.toolCalls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (tc.id) cur.id = tc.id;
      if (tc.function?.name) cur.function.name += tc.function.name;
      if (tc.function?.arguments) cur.function.arguments += tc.function.arguments;
    }
    if (choice.finish_reason) {
      out.finishReason = choice.finish_reason;
      out.nativeFinishReason = choice.native_finish_reason;
    }
  }
}

/** The assistant message an application appends after a folded stream (reasoning_details included). */
export function assistantMessage(f: Folded): ChatCompletionMessageParam {
  return {
    role: 'assistant',
    content: f.content === '' ? null : f.content,
    ...(f.toolCalls.length > 0 ? { tool_calls: f.toolCalls } : {}),
    ...(f.reasoningDetails.length > 0 ? { reasoning_details: f.reasoningDetails } : {}),
  } as ChatCompletionMessageParam;
}
