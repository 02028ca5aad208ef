/**
 * A fake Gemini (Generative Language API) server: validates `generateContent` /
 * `streamGenerateContent?alt=sse` requests the way Google does for what a translating gateway can
 * get wrong, and answers in exact Gemini JSON and SSE (`data: {...}\r\n\r\n`, no [DONE]).
 *
 * Rejected as Gemini rejects them (with Google's error body and wording): unknown fields
 * anywhere ("Unknown name"), so `$ref`, `additionalProperties`, `const`… in schemas; lower-level
 * schema rules (enum strings, properties only on OBJECT, non-empty properties, required ⊆
 * properties); roles other than user/model; empty parts or text; a functionResponse without a
 * preceding functionCall turn of that name, or with a different count; a current-turn function
 * call without its thoughtSignature while thinking is on; a signature that is not one this fake
 * issued for that kind of part (signatures here are self-checking tokens, see `fakeSignature`).
 */
import { createHash } from 'node:crypto';
import { FakeServer, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

type Json = Record<string, any>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// errors

export function googleError(code: number, status: string, message: string, details: unknown[] = []): Reply {
  return { kind: 'json', status: code, body: { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } } };
}
const invalid = (message: string) => googleError(400, 'INVALID_ARGUMENT', message);
const unknownName = (name: string, at: string) => invalid(`Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);

// ---------------------------------------------------------------------------------------------
// thought signatures: self-checking tokens that say which kind of part they were issued for

let sigSeq = 0;
type SigKind = 'call' | 'text' | 'thought';
const checksum = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** A signature this fake accepts back only on the same kind of part (and function name). */
export function fakeSignature(kind: SigKind, name = ''): string {
  const body = `fake-sig:${kind}:${name}:${++sigSeq}`;
  return Buffer.from(`${body}:${checksum(body)}`).toString('base64');
}

/** Signatures a test built a reply with by hand (the conformance suite's fixed values): accepted on any part. */
const trusted = new Set<string>();
export function trustSignature(sig: string): string {
  trusted.add(sig);
  return sig;
}

function checkSignature(sig: string, kind: SigKind, name = ''): string | undefined {
  if (sig === SKIP_SIGNATURE || trusted.has(sig)) return undefined;
  const text = Buffer.from(sig, 'base64').toString('utf8');
  const m = /^(fake-sig:(call|text|thought):([^:]*):\d+):([0-9a-f]{12})$/.exec(text);
  if (m === null || checksum(m[1]!) !== m[4]) return 'Corrupted thought signature.';
  if (m[2] !== kind || m[3] !== name) return `Thought signature is not valid for this part (issued for a ${m[2]} part${m[3] ? ` of ${m[3]}` : ''}).`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// request validation

const TOP = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent', 'labels']);
const PART = new Set(['text', 'thought', 'thoughtSignature', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'videoMetadata', 'partMetadata']);
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const GEN = new Set([
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'candidateCount',
  'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'thinkingConfig', 'responseLogprobs', 'logprobs', 'mediaResolution', 'speechConfig',
]);
const THINKING = new Set(['thinkingBudget', 'includeThoughts', 'thinkingLevel']);
const DECL = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior']);
const TOOL = new Set(['functionDeclarations', 'googleSearch', 'googleSearchRetrieval', 'codeExecution', 'urlContext']);
const SCHEMA = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties',
  'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum',
]);
const TYPES = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
const NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

export interface GeminiFakeOptions extends FakeServerOptions {
  /** The key the fake accepts in x-goog-api-key (any non-empty key when unset). */
  apiKey?: string;
  /** Behave like Gemini 3: signatures are required on current-turn calls even without thinkingConfig. */
  alwaysThinking?: boolean;
}

/** Checks a Gemini OpenAPI-subset Schema; returns a Google error reply for the first problem. */
export function validateSchema(s: unknown, at: string): Reply | undefined {
  if (!isObj(s)) return invalid(`Invalid value at '${at}': a schema must be an object`);
  for (const k of Object.keys(s)) if (!SCHEMA.has(k)) return unknownName(k, at);
  const type = s.type === undefined ? undefined : String(s.type).toUpperCase();
  if (s.type !== undefined && (typeof s.type !== 'string' || !TYPES.has(type!)))
    return invalid(`Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(s.type)}`);
  if (s.enum !== undefined && !(Array.isArray(s.enum) && s.enum.every((v: unknown) => typeof v === 'string')))
    return invalid(`Invalid value at '${at}.enum': enum values must be strings`);
  if (s.properties !== undefined) {
    if (type !== 'OBJECT') return invalid(`* GenerateContentRequest.${at}.properties: only allowed for OBJECT type`);
    if (!isObj(s.properties) || Object.keys(s.properties).length === 0) return invalid(`* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`);
    for (const [k, v] of Object.entries(s.properties)) {
      const bad = validateSchema(v, `${at}.properties[${k}]`);
      if (bad) return bad;
    }
  }
  if (s.required !== undefined) {
    if (type !== 'OBJECT') return invalid(`* GenerateContentRequest.${at}.required: only allowed for OBJECT type`);
    for (const r of s.required) if (!isObj(s.properties) || !(r in s.properties)) return invalid(`* GenerateContentRequest.${at}.required[${r}]: property is not defined`);
  }
  if (s.items !== undefined) {
    if (type !== 'ARRAY') return invalid(`* GenerateContentRequest.${at}.items: only allowed for ARRAY type`);
    const bad = validateSchema(s.items, `${at}.items`);
    if (bad) return bad;
  }
  if (s.anyOf !== undefined) {
    if (!Array.isArray(s.anyOf) || s.anyOf.length === 0) return invalid(`Invalid value at '${at}.anyOf'`);
    for (let i = 0; i < s.anyOf.length; i++) {
      const bad = validateSchema(s.anyOf[i], `${at}.any_of[${i}]`);
      if (bad) return bad;
    }
  }
  return undefined;
}

const PATH = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/;

export function validateGeminiRequest(req: RecordedRequest, opts: GeminiFakeOptions = {}): Reply | undefined {
  const m = PATH.exec(req.path);
  if (req.method !== 'POST' || m === null) return googleError(404, 'NOT_FOUND', `The requested URL ${req.path} was not found on this server.`);
  if (m[2] === 'streamGenerateContent' && m[3] === undefined) return invalid('fake: streamGenerateContent without ?alt=sse answers a JSON array, which a gateway should not ask for');
  if (m[2] === 'generateContent' && m[3] !== undefined) return invalid('fake: alt=sse on generateContent');
  const key = req.headers['x-goog-api-key'];
  if (typeof key !== 'string' || key === '')
    return googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  if (opts.apiKey !== undefined && key !== opts.apiKey)
    return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
    ]);
  const b = req.body;
  if (!isObj(b)) return invalid('Invalid JSON payload received. Unexpected token.');
  for (const k of Object.keys(b)) if (!TOP.has(k)) return invalid(`Invalid JSON payload received. Unknown name "${k}": Cannot find field.`);

  const declared = new Set<string>();
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) return invalid("Invalid value at 'tools'");
    for (let i = 0; i < b.tools.length; i++) {
      const t = b.tools[i];
      if (!isObj(t)) return invalid(`Invalid value at 'tools[${i}]'`);
      for (const k of Object.keys(t)) if (!TOOL.has(k)) return unknownName(k, `tools[${i}]`);
      for (let j = 0; j < (t.functionDeclarations ?? []).length; j++) {
        const d = t.functionDeclarations[j];
        const at = `tools[${i}].function_declarations[${j}]`;
        for (const k of Object.keys(d)) if (!DECL.has(k)) return unknownName(k, at);
        if (typeof d.name !== 'string' || !NAME.test(d.name))
          return invalid(`* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.`);
        if (declared.has(d.name)) return invalid(`* GenerateContentRequest.${at}.name: Duplicate function declaration name: ${d.name}`);
        declared.add(d.name);
        if (d.parameters !== undefined && d.parametersJsonSchema !== undefined) return invalid(`* GenerateContentRequest.${at}: parameters and parameters_json_schema are mutually exclusive`);
        if (d.parameters !== undefined) {
          const bad = validateSchema(d.parameters, `${at}.parameters`);
          if (bad) return bad;
        }
      }
    }
  }
  if (b.toolConfig !== undefined) {
    const fc = b.toolConfig.functionCallingConfig;
    for (const k of Object.keys(b.toolConfig)) if (k !== 'functionCallingConfig' && k !== 'retrievalConfig') return unknownName(k, 'tool_config');
    if (isObj(fc)) {
      for (const k of Object.keys(fc)) if (k !== 'mode' && k !== 'allowedFunctionNames') return unknownName(k, 'tool_config.function_calling_config');
      if (fc.mode !== undefined && !MODES.has(fc.mode)) return invalid(`Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${fc.mode}"`);
      if (fc.allowedFunctionNames !== undefined) {
        if (fc.mode !== 'ANY') return invalid('* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.');
        for (const n of fc.allowedFunctionNames) if (!declared.has(n)) return invalid(`* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: ${n} is not a declared function.`);
      }
    }
  }

  const g = b.generationConfig;
  let thinking = opts.alwaysThinking === true;
  if (g !== undefined) {
    if (!isObj(g)) return invalid("Invalid value at 'generation_config'");
    for (const k of Object.keys(g)) if (!GEN.has(k)) return unknownName(k, 'generation_config');
    if (g.temperature !== undefined && !(g.temperature >= 0 && g.temperature <= 2)) return invalid('* GenerateContentRequest.generation_config.temperature: must be in [0, 2]');
    if (g.stopSequences !== undefined && g.stopSequences.length > 5) return invalid('* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed');
    if (g.responseSchema !== undefined) {
      if (g.responseMimeType !== 'application/json') return invalid('* GenerateContentRequest.generation_config.response_schema: response_mime_type must be application/json');
      const bad = validateSchema(g.responseSchema, 'generation_config.response_schema');
      if (bad) return bad;
    }
    const t = g.thinkingConfig;
    if (t !== undefined) {
      for (const k of Object.keys(t)) if (!THINKING.has(k)) return unknownName(k, 'generation_config.thinking_config');
      if (t.thinkingBudget !== undefined && t.thinkingLevel !== undefined) return invalid('thinking_budget and thinking_level are not supported together.');
      if (t.thinkingBudget !== 0) thinking = true;
    }
  }

  if (b.systemInstruction !== undefined) {
    const si = b.systemInstruction;
    if (!isObj(si) || !Array.isArray(si.parts) || si.parts.some((p: unknown) => !isObj(p) || typeof p.text !== 'string'))
      return invalid("Invalid value at 'system_instruction': parts of {text} expected");
  }
  return validateContents(b.contents, thinking);
}

function validateContents(contents: unknown, thinking: boolean): Reply | undefined {
  if (!Array.isArray(contents) || contents.length === 0) return invalid('* GenerateContentRequest.contents: contents is not specified');
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i];
    if (!isObj(c)) return invalid(`Invalid value at 'contents[${i}]'`);
    for (const k of Object.keys(c)) if (k !== 'role' && k !== 'parts') return unknownName(k, `contents[${i}]`);
    if (c.role !== 'user' && c.role !== 'model') return invalid(`Please use a valid role: user, model.`);
    if (!Array.isArray(c.parts) || c.parts.length === 0) return invalid(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`);
    for (let j = 0; j < c.parts.length; j++) {
      const bad = validatePart(c.parts[j], c.role, `contents[${i}].parts[${j}]`);
      if (bad) return bad;
    }
  }
  // function responses answer the function-call turn right before them, one for one, by name
  for (let i = 0; i < contents.length; i++) {
    const responses = contents[i].parts.filter((p: Json) => p.functionResponse !== undefined).map((p: Json) => p.functionResponse);
    if (responses.length === 0) continue;
    const prev = contents[i - 1];
    const calls = prev?.role === 'model' ? prev.parts.filter((p: Json) => p.functionCall !== undefined).map((p: Json) => p.functionCall) : [];
    if (calls.length === 0) return invalid('Please ensure that function response turn comes immediately after a function call turn.');
    if (calls.length !== responses.length)
      return invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    const names = calls.map((c: Json) => c.name).sort();
    const got = responses.map((r: Json) => r.name).sort();
    if (JSON.stringify(names) !== JSON.stringify(got))
      return invalid(`Please ensure that function response names (${got.join(', ')}) match the function calls of the preceding turn (${names.join(', ')}).`);
    for (const r of responses) {
      if (r.id !== undefined && !calls.some((c: Json) => c.id === r.id && c.name === r.name)) return invalid(`Function response id ${r.id} matches no function call of the preceding turn.`);
    }
  }
  // the current turn starts after the last user content that is not only function responses
  let start = 0;
  for (let i = contents.length - 1; i >= 0; i--) {
    if (contents[i].role === 'user' && contents[i].parts.some((p: Json) => p.functionResponse === undefined)) {
      start = i + 1;
      break;
    }
  }
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i];
    for (let j = 0; j < c.parts.length; j++) {
      const p = c.parts[j];
      if (p.thoughtSignature === undefined) continue;
      const kind: SigKind = p.functionCall !== undefined ? 'call' : p.thought === true ? 'thought' : 'text';
      const bad = typeof p.thoughtSignature === 'string' ? checkSignature(p.thoughtSignature, kind, p.functionCall?.name) : 'Invalid thought signature.';
      if (bad) return invalid(`${bad} contents[${i}].parts[${j}]`);
    }
    if (!thinking || i < start || c.role !== 'model') continue;
    const first = c.parts.findIndex((p: Json) => p.functionCall !== undefined);
    if (first !== -1 && c.parts[first].thoughtSignature === undefined) {
      return invalid(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${c.parts[first].functionCall.name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  }
  return undefined;
}

function validatePart(p: unknown, role: string, at: string): Reply | undefined {
  if (!isObj(p)) return invalid(`Invalid value at '${at}'`);
  for (const k of Object.keys(p)) if (!PART.has(k)) return unknownName(k, at);
  const data = PART_DATA.filter((k) => p[k] !== undefined);
  if (data.length === 0) return invalid(`* GenerateContentRequest.${at}.data: required oneof field 'data' must have one initialized field`);
  if (data.length > 1) return invalid(`Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${data[1]}'`);
  if (p.text !== undefined && (typeof p.text !== 'string' || (p.text === '' && p.thoughtSignature === undefined)))
    return invalid('Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.');
  if (p.functionCall !== undefined) {
    if (role !== 'model') return invalid(`* GenerateContentRequest.${at}.function_call: function calls are only allowed in model turns`);
    const fc = p.functionCall;
    for (const k of Object.keys(fc)) if (!['id', 'name', 'args'].includes(k)) return unknownName(k, `${at}.function_call`);
    if (typeof fc.name !== 'string' || fc.name === '') return invalid(`* GenerateContentRequest.${at}.function_call.name: name is required`);
    if (fc.args !== undefined && !isObj(fc.args)) return invalid(`Invalid value at '${at}.function_call.args' (type.googleapis.com/google.protobuf.Struct)`);
  }
  if (p.functionResponse !== undefined) {
    if (role !== 'user') return invalid(`* GenerateContentRequest.${at}.function_response: function responses are only allowed in user turns`);
    const fr = p.functionResponse;
    for (const k of Object.keys(fr)) if (!['id', 'name', 'response', 'parts', 'willContinue', 'scheduling'].includes(k)) return unknownName(k, `${at}.function_response`);
    if (typeof fr.name !== 'string' || fr.name === '') return invalid(`* GenerateContentRequest.${at}.function_response.name: name is required`);
    if (!isObj(fr.response)) return invalid(`Invalid value at '${at}.function_response.response' (type.googleapis.com/google.protobuf.Struct)`);
  }
  if (p.inlineData !== undefined && !(isObj(p.inlineData) && typeof p.inlineData.mimeType === 'string' && typeof p.inlineData.data === 'string'))
    return invalid(`* GenerateContentRequest.${at}.inline_data: mime_type and data are required`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// server and reply builders

export type GeminiPart = Json;

export function startFakeGemini(opts: GeminiFakeOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: (r) => validateGeminiRequest(r, opts), ...opts }).start();
}

export const part = {
  text: (text: string, o: { signed?: boolean } = {}): GeminiPart => ({ text, ...(o.signed ? { thoughtSignature: fakeSignature('text') } : {}) }),
  thought: (text: string, o: { signed?: boolean } = {}): GeminiPart => ({ text, thought: true, ...(o.signed ? { thoughtSignature: fakeSignature('thought') } : {}) }),
  call: (name: string, args: Json, o: { id?: string; signed?: boolean } = {}): GeminiPart => ({
    functionCall: { ...(o.id ? { id: o.id } : {}), name, args },
    ...(o.signed ? { thoughtSignature: fakeSignature('call', name) } : {}),
  }),
};

export interface UsageOpts {
  prompt?: number;
  candidates?: number;
  thoughts?: number;
  cached?: number;
}
export function usageMetadata(u: UsageOpts = {}): Json {
  const prompt = u.prompt ?? 20;
  const candidates = u.candidates ?? 8;
  const out: Json = { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates + (u.thoughts ?? 0) };
  if (u.thoughts) out.thoughtsTokenCount = u.thoughts;
  if (u.cached) out.cachedContentTokenCount = u.cached;
  out.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
  return out;
}

let respSeq = 0;
const MODEL_VERSION = 'gemini-2.5-flash';

/** A generateContent response body. */
export function geminiResponse(parts: GeminiPart[], o: { finishReason?: string; finishMessage?: string; usage?: UsageOpts } = {}): Json {
  const cand: Json = { content: { parts, role: 'model' }, finishReason: o.finishReason ?? 'STOP', index: 0 };
  if (o.finishMessage) cand.finishMessage = o.finishMessage;
  return { candidates: [cand], usageMetadata: usageMetadata(o.usage), modelVersion: MODEL_VERSION, responseId: `fake-resp-${++respSeq}` };
}

export function reply(parts: GeminiPart[], o: Parameters<typeof geminiResponse>[1] = {}): Reply {
  return { kind: 'json', body: geminiResponse(parts, o) };
}

/**
 * An SSE reply: one chunk per entry of `chunks` (the new parts of that chunk), usageMetadata on
 * every chunk (growing, as Gemini sends it), finishReason on the last one.
 */
export function streamReply(chunks: GeminiPart[][], o: { finishReason?: string; finishMessage?: string; usage?: UsageOpts; fragment?: Fragmenting; extraFrames?: string[] } = {}): Reply {
  const id = `fake-resp-${++respSeq}`;
  const full = usageMetadata(o.usage);
  const frames = chunks.map((parts, i) => {
    const last = i === chunks.length - 1;
    const cand: Json = { content: { parts, role: 'model' }, index: 0 };
    if (last) cand.finishReason = o.finishReason ?? 'STOP';
    if (last && o.finishMessage) cand.finishMessage = o.finishMessage;
    const usage = last ? full : { promptTokenCount: full.promptTokenCount, totalTokenCount: full.promptTokenCount };
    return sseFrame({ candidates: [cand], usageMetadata: usage, modelVersion: MODEL_VERSION, responseId: id });
  });
  return { kind: 'stream', frames: [...frames, ...(o.extraFrames ?? [])], ...(o.fragment ? { fragment: o.fragment } : {}) };
}

/** Gemini's SSE framing: CRLF line ends, no event names, no [DONE]. */
export const sseFrame = (obj: unknown) => `data: ${JSON.stringify(obj)}\r\n\r\n`;

export const GEMINI_KEY = 'g-upstream-key';
export const GEMINI_MODEL = 'google/gemini-2.5-flash';

/** A gateway config with one gemini provider pointing at the fake and one model on it. */
export function geminiConfig(fakeUrl: string, over: { upstreamModel?: string; providerExtra?: Json } = {}): Json {
  return {
    providers: { gem: { type: 'gemini', base_url: fakeUrl, api_key: GEMINI_KEY, ...over.providerExtra } },
    models: [
      {
        id: GEMINI_MODEL,
        name: 'Gemini 2.5 Flash',
        context_length: 1048576,
        endpoints: [{ provider: 'gem', model: over.upstreamModel ?? 'gemini-2.5-flash', pricing: { prompt: '0.0000003', completion: '0.0000025' } }],
      },
    ],
  };
}
