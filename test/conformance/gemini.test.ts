/** The conformance suite for the `gemini` adapter (generateContent / streamGenerateContent?alt=sse) against the strict Gemini wire fake. */
import type { RecordedRequest } from '../fakes/harness.js';
import { geminiResponse, googleError, sseFrame, startFakeGemini, trustSignature, type GeminiPart } from '../fakes/gemini.js';
import { runConformance, type Answer, type ProviderKit, type ToolChoiceView } from './suite.js';

const KEY = 'g-conformance';
const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

/** Gemini parts for a neutral answer; Gemini's own function-call ids (newer models send them). */
function partsOf(a: Answer): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (a.reasoning) parts.push({ text: a.reasoning.text, thought: true, ...(a.reasoning.signature ? { thoughtSignature: trustSignature(a.reasoning.signature) } : {}) });
  if (a.text !== undefined) parts.push({ text: a.text });
  for (const c of a.toolCalls ?? []) parts.push({ functionCall: { id: c.id, name: c.name, args: JSON.parse(c.arguments) } });
  return parts;
}

const usage = (a: Answer) => (a.usage ? { prompt: a.usage.prompt, candidates: a.usage.completion } : undefined);

/** A text part cut into 12-character stream pieces; a signature stays on the last piece. */
function pieces(p: GeminiPart): GeminiPart[] {
  if (typeof p.text !== 'string' || p.text.length <= 12) return [p];
  const { thoughtSignature, ...rest } = p;
  const out: GeminiPart[] = [];
  for (let i = 0; i < p.text.length; i += 12) out.push({ ...rest, text: p.text.slice(i, i + 12) });
  if (thoughtSignature !== undefined) out[out.length - 1]!.thoughtSignature = thoughtSignature;
  return out;
}

/** Streams as Gemini does: text in pieces, every functionCall whole, finishReason and usage on the last chunk. */
function streamFrames(a: Answer): string[] {
  const chunks = partsOf(a).flatMap(pieces).map((p) => [p]);
  const full = geminiResponse([], { usage: usage(a) });
  return chunks.map((parts, i) => {
    const last = i === chunks.length - 1;
    const cand = { content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) };
    return sseFrame({ candidates: [cand], ...(last ? { usageMetadata: full.usageMetadata } : {}), modelVersion: full.modelVersion, responseId: full.responseId });
  });
}

const contents = (r: RecordedRequest, role: string): any[] => r.body.contents.filter((c: any) => c.role === role).flatMap((c: any) => c.parts);

function toolChoice(r: RecordedRequest): ToolChoiceView | undefined {
  const cfg = r.body.toolConfig?.functionCallingConfig;
  if (cfg === undefined) return r.body.tools === undefined ? undefined : 'auto';
  if (cfg.mode === 'ANY') return cfg.allowedFunctionNames?.length === 1 ? { name: cfg.allowedFunctionNames[0] } : 'required';
  return cfg.mode === 'NONE' ? 'none' : 'auto';
}

const kit: ProviderKit = {
  name: 'gemini',
  model: 'gemini-2.5-flash',
  startFake: () => startFakeGemini({ apiKey: KEY }),
  provider: (url) => ({ type: 'gemini', base_url: url, api_key: KEY }),
  reply: (a, o) =>
    o.stream ? { kind: 'stream', frames: streamFrames(a), ...(o.fragment ? { fragment: o.fragment } : {}) } : { kind: 'json', body: geminiResponse(partsOf(a), { usage: usage(a) }) },
  error: (status, msg) => googleError(status, STATUS[status] ?? 'UNKNOWN', msg),
  inspect: {
    stream: (r) => r.path.includes(':streamGenerateContent?alt=sse'),
    toolNames: (r) => (r.body.tools ?? []).flatMap((t: any) => (t.functionDeclarations ?? []).map((d: any) => d.name)),
    toolChoice,
    historyToolCalls: (r) => contents(r, 'model').filter((p) => p.functionCall).map((p) => ({ id: p.functionCall.id, name: p.functionCall.name, args: p.functionCall.args })),
    toolResults: (r) =>
      contents(r, 'user')
        .filter((p) => p.functionResponse)
        .map((p) => {
          const res = p.functionResponse.response;
          return { id: p.functionResponse.id, content: 'output' in res && Object.keys(res).length === 1 ? (typeof res.output === 'string' ? res.output : JSON.stringify(res.output)) : JSON.stringify(res) };
        }),
  },
  reasoning: {
    requested: (r) => {
      const t = r.body.generationConfig?.thinkingConfig;
      return t !== undefined && t.thinkingBudget !== 0;
    },
    returnsText: true,
    signatures: true,
    replayed: (r) => contents(r, 'model').filter((p) => p.thought === true).map((p) => ({ text: p.text, signature: p.thoughtSignature })),
  },
  ids: 'upstream',
};

runConformance(kit);
